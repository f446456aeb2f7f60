package io.fulcrum.core.config;

/**
 * The access log: one line per request.
 *
 * @param enabled off switch
 * @param format  {@code text} (one readable line) or {@code json} (one JSON object per line)
 * @param path    {@code stdout}, or a file path the log is appended to
 */
public record AccessLogConfig(Boolean enabled, String format, String path) {

    public AccessLogConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        format = format == null ? "text" : format;
        path = path == null ? "stdout" : path;
    }

    public static AccessLogConfig defaults() {
        return new AccessLogConfig(null, null, null);
    }
}
