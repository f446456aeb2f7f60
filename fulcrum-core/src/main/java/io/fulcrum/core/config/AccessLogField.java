package io.fulcrum.core.config;

import java.util.HashMap;
import java.util.Map;

/**
 * The fields an access-log record can show, by the name a {@code template} ({@code %{name}}) or
 * a {@code fields} list uses. A field without a value (no backend was tried, a header the
 * request did not have) is {@code -} in text and {@code null} in JSON.
 */
public enum AccessLogField {
    /** When the request started, ISO-8601 UTC with milliseconds. */
    TIME("time"),
    /** Client {@code ip:port} (the PROXY protocol's client when the listener accepts it). */
    CLIENT("client"),
    CLIENT_IP("client_ip"),
    CLIENT_PORT("client_port"),
    LISTENER("listener"),
    ROUTE("route"),
    METHOD("method"),
    /** The request target as the client sent it. */
    URI("uri"),
    /** The request target without its query. */
    PATH("path"),
    /** The client's protocol, e.g. {@code HTTP/1.1}, {@code HTTP/2.0}. */
    PROTOCOL("protocol"),
    /** The host the request was routed by (Host header or HTTP/2 authority). */
    HOST("host"),
    STATUS("status"),
    /** Request body bytes received. */
    BYTES_IN("bytes_in"),
    /** Response body bytes sent. */
    BYTES_OUT("bytes_out"),
    /** Request head to last response byte, milliseconds with three decimals. */
    TOTAL_MS("total_ms"),
    /** Opening the backend connection; absent when a pooled one was reused. */
    CONNECT_MS("connect_ms"),
    /** Request sent to the backend to its response head. */
    BACKEND_MS("backend_ms"),
    /** {@code pool/name} of the last backend tried. */
    BACKEND("backend"),
    BACKEND_NAME("backend_name"),
    /** {@code host:port} of the last backend tried. */
    BACKEND_ADDRESS("backend_address"),
    POOL("pool"),
    /** Backends tried. */
    ATTEMPTS("attempts"),
    /** Attempts after the first. */
    RETRIES("retries"),
    USER_AGENT("user_agent"),
    REFERER("referer"),
    REQUEST_ID("request_id"),
    /** The TLS protocol of the client connection, e.g. {@code TLSv1.3}; absent on plain HTTP. */
    TLS_VERSION("tls_version"),
    /** The server name the client asked for in its TLS handshake. */
    SNI("sni"),
    /** Why the request ended otherwise than with a backend's complete response (connect refused, timeout...). */
    ERROR("error");

    private static final Map<String, AccessLogField> BY_NAME = new HashMap<>();

    static {
        for (AccessLogField f : values()) {
            BY_NAME.put(f.fieldName, f);
        }
    }

    private final String fieldName;

    AccessLogField(String fieldName) {
        this.fieldName = fieldName;
    }

    /** The name the configuration and the JSON output use. */
    public String fieldName() {
        return fieldName;
    }

    /** The field of that name, or {@code null}. */
    public static AccessLogField byName(String name) {
        return BY_NAME.get(name);
    }
}
