package io.fulcrum.app;

/**
 * The process exit codes of every {@code fulcrum} command, and their help text.
 *
 * <p>They line up with picocli's own defaults (1 for an exception while running,
 * 2 for a bad command line) so that every failure of one kind exits the same way.
 */
public final class ExitCodes {

    /** Success; for {@code run} and {@code demo}: stopped cleanly by SIGINT or SIGTERM. */
    public static final int OK = 0;
    /** Could not start or stop cleanly (for example a listen address already in use), or an internal error. */
    public static final int FAILURE = 1;
    /** Invalid configuration or invalid command line; nothing was started. */
    public static final int INVALID = 2;

    static final String HEADING = "%nExit codes:%n";
    static final String LIST_OK = "0:success";
    /** For the commands that serve until signalled (run, demo, agent). */
    static final String LIST_STOPPED = "0:stopped cleanly by SIGINT or SIGTERM";
    static final String LIST_FAILURE = "1:could not start (for example an address already in use), "
            + "did not stop in time, or an internal error";
    static final String LIST_INVALID = "2:invalid configuration or command line; nothing was started";

    private ExitCodes() {
    }
}
