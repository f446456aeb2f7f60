package io.fulcrum.core.config;

import java.util.List;

/**
 * The access log: one line per request.
 *
 * @param enabled  off switch
 * @param format   {@code text} (one readable line) or {@code json} (one JSON object per line)
 * @param path     {@code stdout}, or a file path the log is appended to
 * @param template the text line: literal text with {@code %{field}} placeholders; {@code null} for the default
 * @param fields   the JSON object's fields, in order; {@code null} for the default
 * @param syslog   send the records to syslog instead of {@code path}, or {@code null}
 */
public record AccessLogConfig(Boolean enabled, String format, String path, String template, List<String> fields,
                              SyslogConfig syslog) {

    /** The text line unless {@code template} says otherwise. */
    public static final String DEFAULT_TEMPLATE = "%{time} %{client} %{listener}/%{route} \"%{method} %{uri} %{protocol}\""
            + " %{status} %{bytes_in} %{bytes_out} %{backend} %{attempts} %{total_ms} %{backend_ms} %{request_id}"
            + " \"%{error}\"";
    /** The JSON fields unless {@code fields} says otherwise. */
    public static final List<String> DEFAULT_FIELDS = List.of("time", "client", "listener", "route", "method", "uri",
            "protocol", "status", "bytes_in", "bytes_out", "backend", "attempts", "total_ms", "backend_ms",
            "request_id", "error");

    public AccessLogConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        format = format == null ? "text" : format;
        path = path == null ? "stdout" : path;
        template = template == null ? DEFAULT_TEMPLATE : template;
        fields = fields == null ? DEFAULT_FIELDS : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(fields));
    }

    /** The default template and fields, written to {@code path}. */
    public AccessLogConfig(Boolean enabled, String format, String path) {
        this(enabled, format, path, null, null, null);
    }

    public static AccessLogConfig defaults() {
        return new AccessLogConfig(null, null, null);
    }
}
