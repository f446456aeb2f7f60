package io.fulcrum.admin.api;

import io.fulcrum.admin.auth.Principal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One admin request, copied off the Netty buffers so that it can be handled on a worker
 * thread.
 *
 * @param method    {@code GET}, {@code POST}...
 * @param path      the decoded path, without the query
 * @param query     query parameters (first value of each)
 * @param headers   request headers we care about, lower-case names
 * @param body      the request body
 * @param principal who sent it, or {@code null} without a valid token
 */
public record ApiRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
                         byte[] body, Principal principal) {

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A query parameter, or {@code fallback}. */
    public String param(String name, String fallback) {
        String v = query.get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /** An integer query parameter within bounds, or {@code fallback}. */
    public int intParam(String name, int fallback, int min, int max) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            throw new ApiException(400, "query parameter " + name + " must be a number");
        }
    }
}
