package io.fulcrum.proxy.log;

/** The two access-log line formats: readable text and one JSON object per line. */
final class AccessLogFormat {

    private AccessLogFormat() {
    }

    /**
     * {@code time client listener/route "METHOD uri PROTO" status in out backend attempts total_ms backend_ms [error]}.
     * Every text field is escaped ({@link #escaped}): whatever a client or backend put in it, one record
     * stays one line and its quotes stay the format's.
     */
    static void text(AccessRecord r, StringBuilder sb) {
        sb.append(AccessLog.time(r.epochMillis())).append(' ');
        escaped(sb, r.client()).append(' ');
        escaped(sb, r.listener()).append('/');
        escaped(sb, r.route()).append(" \"");
        escaped(sb, r.method()).append(' ');
        escaped(sb, r.uri()).append(' ');
        escaped(sb, r.protocol()).append("\" ")
                .append(r.status()).append(' ')
                .append(r.bytesIn()).append(' ')
                .append(r.bytesOut()).append(' ');
        escaped(sb, r.backend()).append(' ')
                .append(r.attempts()).append(' ')
                .append(millis(r.totalMicros())).append("ms ")
                .append(r.backendMicros() < 0 ? "-" : millis(r.backendMicros()) + "ms");
        if (r.error() != null) {
            sb.append(" \"");
            escaped(sb, r.error()).append('"');
        }
    }

    /**
     * Appends {@code value} with {@code "} and {@code \} backslash-escaped and every character
     * outside printable ASCII (controls, DEL, anything above) written as {@code \xHH} (or a
     * backslash, {@code u} and four hex digits beyond Latin-1); printable ASCII, the usual case,
     * is copied as it is.
     */
    static StringBuilder escaped(StringBuilder sb, String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            } else if (c <= 0xff) {
                sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                        .append(HEX[c & 0xf]);
            }
        }
        return sb;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static void json(AccessRecord r, StringBuilder sb) {
        sb.append('{');
        field(sb, "time", AccessLog.time(r.epochMillis())).append(',');
        field(sb, "client", r.client()).append(',');
        field(sb, "listener", r.listener()).append(',');
        field(sb, "route", r.route()).append(',');
        field(sb, "method", r.method()).append(',');
        field(sb, "uri", r.uri()).append(',');
        field(sb, "protocol", r.protocol()).append(',');
        sb.append("\"status\":").append(r.status()).append(',');
        sb.append("\"bytes_in\":").append(r.bytesIn()).append(',');
        sb.append("\"bytes_out\":").append(r.bytesOut()).append(',');
        field(sb, "backend", r.backend()).append(',');
        sb.append("\"attempts\":").append(r.attempts()).append(',');
        sb.append("\"total_ms\":").append(millis(r.totalMicros())).append(',');
        sb.append("\"backend_ms\":").append(r.backendMicros() < 0 ? "null" : millis(r.backendMicros()));
        if (r.error() != null) {
            sb.append(',');
            field(sb, "error", r.error());
        }
        sb.append('}');
    }

    private static String millis(long micros) {
        return String.valueOf(micros / 1000) + '.' + (char) ('0' + (micros / 100) % 10) + (char) ('0' + (micros / 10) % 10)
                + (char) ('0' + micros % 10);
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
