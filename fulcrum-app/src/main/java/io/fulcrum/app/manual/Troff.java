package io.fulcrum.app.manual;

import java.util.Arrays;
import java.util.List;

/**
 * Text made safe for troff's {@code man} macros: what {@code man} would otherwise read as a
 * request, an escape or a typographic hyphen.
 */
final class Troff {

    private Troff() {
    }

    /**
     * One line of running text. Backslashes become {@code \e}; every {@code -} becomes {@code \-}
     * (a minus: options and paths copied from the page then work in a shell); a line that would
     * start with {@code .} or {@code '} is guarded by {@code \&} so it is not read as a request.
     */
    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\e");
                case '-' -> b.append("\\-");
                default -> b.append(c);
            }
        }
        if (!b.isEmpty() && (b.charAt(0) == '.' || b.charAt(0) == '\'')) {
            b.insert(0, "\\&");
        }
        return b.toString();
    }

    /** Bold text, as names to type are set. */
    static String bold(String s) {
        return "\\fB" + text(s) + "\\fR";
    }

    /** Italic text, as placeholders to replace are set. */
    static String italic(String s) {
        return "\\fI" + text(s) + "\\fR";
    }

    /**
     * A picocli text line as the help screen prints it: {@code %n} is a line break and {@code %%}
     * a percent sign (picocli formats these lines; the pages must read the same).
     */
    static List<String> picocliLines(String line) {
        String[] parts = line.replace("%%", "\u0000").split("%n", -1);
        return Arrays.stream(parts).map(p -> p.replace('\u0000', '%')).toList();
    }
}
