package io.fulcrum.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Turns SIGHUP into a call of a reload action, on a fresh daemon thread so the JVM's
 * signal dispatcher is never held up by a reload.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}); where that is
 * missing or refuses the signal (for example under {@code -Xrs}), installing reports
 * {@code false} and the file watch and the API remain the ways to reload. Closing
 * restores the previous handler (by default SIGHUP stops the JVM).
 *
 * <p>A process started under {@code nohup} (or by anything that ignores SIGHUP for its
 * children) inherits SIGHUP ignored, and the JVM then keeps it ignored: its
 * {@code Signal.handle} returns {@code SIG_IGN} without installing anything. Fulcrum is
 * asked for SIGHUP on purpose, so it puts the default disposition back first
 * ({@code signal(2)} through the foreign-function API) and installs its handler over it.
 */
final class ReloadSignal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);
    /** SIGHUP's number on Linux and the BSDs. */
    private static final int SIGHUP = 1;

    private final Object previous;

    private ReloadSignal(Object previous) {
        this.previous = previous;
    }

    /**
     * Installs the SIGHUP handler.
     *
     * @return the installed handler, or {@code null} when SIGHUP cannot be handled here (logged)
     */
    static ReloadSignal install(Runnable reload) {
        try {
            sun.misc.Signal hup = new sun.misc.Signal("HUP");
            sun.misc.SignalHandler handler = s -> Thread.ofPlatform().name("fulcrum-reload").daemon(true).start(reload);
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(hup, handler);
            if (previous == sun.misc.SignalHandler.SIG_IGN) {
                // Ignored since the process started: the JVM left it so. Undo the ignore and install again.
                if (!restoreDefaultDisposition()) {
                    LOG.warn("SIGHUP is ignored in this process (started under nohup?) and cannot be handled; "
                            + "reload by editing the file or with the admin API instead");
                    sun.misc.Signal.handle(hup, sun.misc.SignalHandler.SIG_IGN);
                    return null;
                }
                sun.misc.Signal.handle(hup, handler);
                LOG.info("SIGHUP was ignored when the process started (nohup?); it now reloads the configuration");
            }
            return new ReloadSignal(previous);
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError | SecurityException e) {
            LOG.warn("SIGHUP cannot be handled in this JVM ({}); reload by editing the file instead", e.toString());
            return null;
        }
    }

    /** {@code signal(SIGHUP, SIG_DFL)}; false when the C library cannot be called. */
    private static boolean restoreDefaultDisposition() {
        try {
            Linker linker = Linker.nativeLinker();
            Optional<MethodHandle> signal = linker.defaultLookup().find("signal").map(a -> linker.downcallHandle(a,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)));
            if (signal.isEmpty()) {
                return false;
            }
            MemorySegment old = (MemorySegment) signal.get().invokeExact(SIGHUP, MemorySegment.NULL); // SIG_DFL is 0
            return old.address() != -1L; // SIG_ERR
        } catch (Throwable e) {
            LOG.debug("signal(SIGHUP, SIG_DFL) failed", e);
            return false;
        }
    }

    @Override
    public void close() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), (sun.misc.SignalHandler) previous);
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.debug("restoring the SIGHUP handler", e);
        }
    }
}
