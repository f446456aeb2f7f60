package io.fulcrum.admin.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete answer.
 *
 * @param status      HTTP status
 * @param contentType media type of {@code body}
 * @param body        the bytes
 * @param headers     extra headers
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    /** JSON text as an answer. */
    public static ApiResponse json(int status, String json) {
        return new ApiResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Plain text as an answer. */
    public static ApiResponse text(int status, String contentType, String text) {
        return new ApiResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The same answer with one more header. */
    public ApiResponse with(String name, String value) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, contentType, body, h);
    }
}
