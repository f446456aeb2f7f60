package io.fulcrum.app.imports;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HAProxy and NGINX time values and writes them as Fulcrum durations ({@code 5s}, {@code 250ms}).
 */
final class Durations {

    private static final Pattern HAPROXY = Pattern.compile("(\\d+)(us|ms|s|m|h|d)?");
    private static final Pattern NGINX_PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|M|y)?");

    private Durations() {
    }

    /**
     * An HAProxy time: a number with an optional unit {@code us ms s m h d}, milliseconds by default.
     *
     * @return milliseconds, or -1 when it is not a time
     */
    static long haproxyMillis(String text) {
        Matcher m = HAPROXY.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "us" -> (n + 999) / 1000;
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 86_400_000;
        };
    }

    /**
     * An NGINX time: one or more numbers with units {@code ms s m h d w M y} ({@code 1h30m}),
     * seconds when the unit is left out.
     *
     * @return milliseconds, or -1 when it is not a time
     */
    static long nginxMillis(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        Matcher m = NGINX_PART.matcher(text);
        long total = 0;
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                return -1;
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            total += switch (unit) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                case "d" -> n * 86_400_000;
                case "w" -> n * 7 * 86_400_000;
                case "M" -> n * 30 * 86_400_000;
                default -> n * 365 * 86_400_000;
            };
            at = m.end();
        }
        return total;
    }

    /** Milliseconds as a Fulcrum duration in the largest unit that keeps it exact: {@code 50s}, {@code 1500ms}. */
    static String format(long millis) {
        if (millis == 0) {
            return "0s";
        }
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
