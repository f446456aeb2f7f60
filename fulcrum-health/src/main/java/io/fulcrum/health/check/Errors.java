package io.fulcrum.health.check;

/** Short, operator-readable descriptions of I/O failures. */
final class Errors {

    private Errors() {
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return m == null ? "connection refused" : m.toLowerCase(java.util.Locale.ROOT);
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
