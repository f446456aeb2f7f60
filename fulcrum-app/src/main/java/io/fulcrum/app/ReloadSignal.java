package io.fulcrum.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGHUP into a call of a reload action, on a fresh daemon thread so the JVM's
 * signal dispatcher is never held up by a reload.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}); where that is
 * missing or refuses the signal (for example under {@code -Xrs}), installing reports
 * {@code false} and the file watch and the API remain the ways to reload. Closing
 * restores the previous handler (by default SIGHUP stops the JVM).
 */
final class ReloadSignal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

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
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(hup, s ->
                    Thread.ofPlatform().name("fulcrum-reload").daemon(true).start(reload));
            return new ReloadSignal(previous);
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError | SecurityException e) {
            LOG.warn("SIGHUP cannot be handled in this JVM ({}); reload by editing the file instead", e.toString());
            return null;
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
