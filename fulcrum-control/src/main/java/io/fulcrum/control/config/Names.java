package io.fulcrum.control.config;

/**
 * The rule for names that travel beyond the configuration: a backend's name is one
 * segment of an admin API path ({@code /pools/web/backends/NAME}), a word of an event or
 * log line and a key of the state file. The configuration and the admin API both check
 * names here, so a name the API accepts is one the file accepts, and the other way round.
 */
public final class Names {

    /** Longest name accepted (names appear in every log line about the backend). */
    public static final int MAX_LENGTH = 200;

    private Names() {
    }

    /**
     * What is wrong with {@code name} as a backend name, or {@code null} when it is fine:
     * not empty, at most {@link #MAX_LENGTH} characters, no white space or control
     * characters (a newline would forge event and log lines), no {@code /} or {@code \}
     * (a path segment), and not {@code .} or {@code ..}.
     */
    public static String backendNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters (got " + name.length() + ")";
        }
        if (name.equals(".") || name.equals("..")) {
            return "must not be \"" + name + "\"";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                return "must not contain white space or control characters (got \"" + printable(name) + "\")";
            }
            if (c == '/' || c == '\\') {
                return "must not contain '" + c + "': it names the backend in admin API paths (got \""
                        + printable(name) + "\")";
            }
        }
        return null;
    }

    /** {@code s} with control characters written as escapes, safe to put in a message or a log line. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < MAX_LENGTH + 20; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
