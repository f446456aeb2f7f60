package io.fulcrum.proxy.log;

import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.AccessLogField;
import io.fulcrum.core.config.AccessLogTemplate;

import java.util.List;

/**
 * How a record becomes a line, compiled once from the configuration: the text {@code template}
 * (literals and fields) or the JSON {@code fields}. Runs on the log's writer thread only.
 */
final class AccessLogFormat {

    private final boolean json;
    private final String[] literals;
    private final AccessLogField[] fields;
    private final String[] jsonKeys;

    private AccessLogFormat(boolean json, List<String> literals, List<AccessLogField> fields) {
        this.json = json;
        this.literals = literals.toArray(String[]::new);
        this.fields = fields.toArray(AccessLogField[]::new);
        this.jsonKeys = new String[this.fields.length];
        for (int i = 0; i < this.fields.length; i++) {
            jsonKeys[i] = (i == 0 ? "{\"" : ",\"") + this.fields[i].fieldName() + "\":";
        }
    }

    /**
     * The format {@code config} describes (validated: its template parses and its fields exist).
     *
     * @throws IllegalArgumentException on a template or field name the validator would have refused
     */
    static AccessLogFormat of(AccessLogConfig config) {
        if ("json".equals(config.format())) {
            List<AccessLogField> fields = config.fields().stream().map(name -> {
                AccessLogField f = AccessLogField.byName(name);
                if (f == null) {
                    throw new IllegalArgumentException("unknown access-log field " + name);
                }
                return f;
            }).toList();
            return new AccessLogFormat(true, List.of(), fields);
        }
        AccessLogTemplate t = AccessLogTemplate.parse(config.template());
        return new AccessLogFormat(false, t.literals(), t.fields());
    }

    /** The fields this format shows. */
    List<AccessLogField> fields() {
        return List.of(fields);
    }

    /** Appends {@code r} as one line (without the line break). */
    void format(AccessRecord r, StringBuilder sb) {
        if (json) {
            if (fields.length == 0) {
                sb.append("{}");
                return;
            }
            for (int i = 0; i < fields.length; i++) {
                sb.append(jsonKeys[i]);
                jsonValue(fields[i], r, sb);
            }
            sb.append('}');
        } else {
            for (int i = 0; i < fields.length; i++) {
                sb.append(literals[i]);
                textValue(fields[i], r, sb);
            }
            sb.append(literals[fields.length]);
        }
    }

    /** A text field: a number as digits, text escaped ({@link #escaped}), an absent value as {@code -}. */
    private static void textValue(AccessLogField f, AccessRecord r, StringBuilder sb) {
        Object v = value(f, r);
        if (v == null) {
            sb.append('-');
        } else if (v instanceof String s) {
            escaped(sb, s);
        } else {
            sb.append(v);
        }
    }

    private static void jsonValue(AccessLogField f, AccessRecord r, StringBuilder sb) {
        Object v = value(f, r);
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            jsonString(sb, s);
        } else {
            sb.append(v);
        }
    }

    /** The value of {@code f} in {@code r}: a String, a number (Long, Integer, or {@link Millis}), or null. */
    private static Object value(AccessLogField f, AccessRecord r) {
        return switch (f) {
            case TIME -> AccessLog.time(r.epochMillis());
            case CLIENT -> r.client();
            case CLIENT_IP -> r.client() == null ? null : hostPart(r.client());
            case CLIENT_PORT -> r.client() == null ? null : portPart(r.client());
            case LISTENER -> r.listener();
            case ROUTE -> r.route();
            case METHOD -> r.method();
            case URI -> r.uri();
            case PATH -> r.uri() == null ? null : pathOf(r.uri());
            case PROTOCOL -> r.protocol();
            case HOST -> r.host();
            case STATUS -> r.status();
            case BYTES_IN -> r.bytesIn();
            case BYTES_OUT -> r.bytesOut();
            case TOTAL_MS -> new Millis(r.totalMicros());
            case CONNECT_MS -> r.connectMicros() < 0 ? null : new Millis(r.connectMicros());
            case BACKEND_MS -> r.backendMicros() < 0 ? null : new Millis(r.backendMicros());
            case BACKEND -> r.backendName() == null ? null : r.pool() + "/" + r.backendName();
            case BACKEND_NAME -> r.backendName();
            case BACKEND_ADDRESS -> r.backendAddress();
            case POOL -> r.pool();
            case ATTEMPTS -> r.attempts();
            case RETRIES -> Math.max(0, r.attempts() - 1);
            case USER_AGENT -> r.userAgent();
            case REFERER -> r.referer();
            case REQUEST_ID -> r.requestId();
            case TLS_VERSION -> r.tlsVersion();
            case SNI -> r.sni();
            case ERROR -> r.error();
        };
    }

    /** A duration in milliseconds with three decimals, written as a number in both formats. */
    private record Millis(long micros) {
        @Override
        public String toString() {
            return String.valueOf(micros / 1000) + '.' + (char) ('0' + (micros / 100) % 10)
                    + (char) ('0' + (micros / 10) % 10) + (char) ('0' + micros % 10);
        }
    }

    private static String hostPart(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static Object portPart(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /**
     * Appends {@code value} with {@code "} and {@code \} backslash-escaped and every character
     * outside printable ASCII (controls, DEL, anything above) written as {@code \xHH} (or a
     * backslash, {@code u} and four hex digits beyond Latin-1); printable ASCII, the usual case,
     * is copied as it is. Whatever a client or backend put in a field, one record stays one line
     * and the template's quotes stay its own.
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

    /** A JSON string; everything outside printable ASCII escaped, so a line stays one line whatever the bytes. */
    private static void jsonString(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
