package io.fulcrum.admin.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's files and the OpenAPI document, all read from the jar (nothing from a
 * CDN): {@code /} and {@code /ui/*} from {@code io/fulcrum/admin/dashboard/}, Chart.js
 * from its WebJar under {@code /webjars/*}, {@code /api/openapi.yaml}, and the icon at
 * {@code /favicon.ico}, where browsers and other tools look for it whatever the page says.
 */
public final class StaticFiles {

    private static final String DASHBOARD = "io/fulcrum/admin/dashboard/";
    private static final String WEBJARS = "META-INF/resources/webjars/";
    /** The dashboard only talks to its own origin. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

    private final Map<String, ApiResponse> cache = new ConcurrentHashMap<>();

    /** The file at {@code path}, or {@code null}. */
    public ApiResponse get(String path) {
        if (path.contains("..")) {
            return null;
        }
        String resource;
        if (path.equals("/") || path.equals("/ui") || path.equals("/ui/")) {
            resource = DASHBOARD + "index.html";
        } else if (path.startsWith("/ui/")) {
            resource = DASHBOARD + path.substring(4);
        } else if (path.startsWith("/webjars/")) {
            resource = WEBJARS + path.substring(9);
        } else if (path.equals("/favicon.ico")) {
            resource = DASHBOARD + "favicon.ico";
        } else if (path.equals("/api/openapi.yaml")) {
            resource = "io/fulcrum/admin/api/openapi.yaml";
        } else {
            return null;
        }
        ApiResponse cached = cache.get(resource);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            ApiResponse r = new ApiResponse(200, type(resource), in.readAllBytes(), Map.of())
                    .with("Content-Security-Policy", CSP);
            cache.put(resource, r);
            return r;
        } catch (IOException e) {
            return AdminApi.error(500, "cannot read " + path);
        }
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".yaml")) {
            return "application/yaml";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (name.endsWith(".ico")) {
            return "image/x-icon";
        }
        return "application/octet-stream";
    }
}
