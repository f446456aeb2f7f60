package io.fulcrum.app;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Moves the process into a session of its own ({@code setsid(2)}), as HAProxy's {@code daemon}
 * and NGINX's {@code daemon on} do, but without forking: the process id stays the same, so a
 * script or service manager that started Fulcrum still signals the right process.
 *
 * <p>Why it matters for speed: on Linux with {@code kernel.sched_autogroup_enabled}, the
 * scheduler shares CPU time first between sessions and only then between the processes of one
 * session. A proxy left in the session of the shell job that started it competes as one group
 * with everything else that job runs (a load generator, for one) and is placed on CPUs as part
 * of that group. A session of its own gives it a scheduling group of its own, as a service
 * started by systemd or a daemonised HAProxy has.
 *
 * <p>{@code setsid} refuses a process-group leader: a job started by an interactive shell (which
 * controls it through job control and the terminal) or a process that already leads a session.
 * Such a process keeps its session; {@link #detach()} says so instead of failing.
 */
final class OwnSession {

    private OwnSession() {
    }

    /**
     * Calls {@code setsid()} unless the process leads its process group.
     *
     * @return what happened, in words for the log
     */
    static String detach() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Optional<MethodHandle> setsid = libc.find("setsid")
                .map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT)));
        Optional<MethodHandle> getpgrp = libc.find("getpgrp")
                .map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT)));
        if (setsid.isEmpty() || getpgrp.isEmpty()) {
            return "kept the inherited session: setsid() is not available on this platform";
        }
        long pid = ProcessHandle.current().pid();
        try {
            int group = (int) getpgrp.get().invokeExact();
            if (group == pid) {
                return "kept the inherited session: the process leads its process group "
                        + "(a job of an interactive shell, or already a session leader)";
            }
            int session = (int) setsid.get().invokeExact();
            if (session < 0) {
                return "kept the inherited session: setsid() failed";
            }
            return "now in a session of its own (session id " + session + ")";
        } catch (Throwable e) {
            return "kept the inherited session: setsid() failed: " + e;
        }
    }
}
