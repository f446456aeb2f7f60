package io.fulcrum.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.admin.api.ApiEndpoint;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A small client of the admin API: JSON in, JSON out, bearer token on every request. An
 * error answer becomes an {@link AdminClientException} carrying the server's message.
 * An {@code http://} server is called over a plain socket ({@link PlainHttp}); the JDK's
 * HTTP client, whose set-up costs a command's start-up a TLS context, is made only for
 * {@code https://}.
 */
public final class AdminClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private static final int CONNECT_MILLIS = 5_000;
    private static final int READ_MILLIS = 30_000;

    private final boolean plain;
    /** For https only, made on first use. */
    private HttpClient tls;

    /**
     * @param base  the admin server, like {@code http://127.0.0.1:9900/}
     * @param token the bearer token, or {@code null}
     */
    public AdminClient(URI base, String token) {
        this.base = base.getPath().endsWith("/") ? base : URI.create(base + "/");
        this.token = token;
        this.plain = "http".equalsIgnoreCase(base.getScheme());
    }

    private synchronized HttpClient tls() {
        if (tls == null) {
            tls = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(CONNECT_MILLIS)).build();
        }
        return tls;
    }

    private URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    private IOException cannotConnect(java.net.ConnectException e) {
        return new IOException("cannot connect to " + base + " (is Fulcrum running with an admin section?)", e);
    }

    /** A failed call: the HTTP status and the server's message. */
    public static final class AdminClientException extends IOException {
        private final int status;

        AdminClientException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * Calls an endpoint of the table.
     *
     * @param endpoint   which one
     * @param query      the query string without {@code ?} (already encoded), or {@code null}
     * @param body       the JSON body (any Jackson-serialisable value), or {@code null}
     * @param pathValues the values of its path parameters, in order
     */
    public JsonNode call(ApiEndpoint endpoint, String query, Object body, String... pathValues) throws IOException {
        String path = endpoint.expand(pathValues) + (query == null || query.isEmpty() ? "" : "?" + query);
        return send(endpoint.method(), path, body == null ? (endpoint.method().equals("GET")
                || endpoint.method().equals("DELETE") ? null : "") : JSON.writeValueAsString(body), "application/json");
    }

    public JsonNode get(String path) throws IOException {
        return send("GET", path, null, "application/json");
    }

    public JsonNode post(String path, Object body) throws IOException {
        return send("POST", path, body == null ? "" : JSON.writeValueAsString(body), "application/json");
    }

    public JsonNode put(String path, Object body) throws IOException {
        return send("PUT", path, JSON.writeValueAsString(body), "application/json");
    }

    public JsonNode delete(String path) throws IOException {
        return send("DELETE", path, null, "application/json");
    }

    /** POSTs raw text (a configuration to validate). */
    public JsonNode postText(String path, String text) throws IOException {
        return send("POST", path, text, "application/yaml");
    }

    private JsonNode send(String method, String path, String body, String type) throws IOException {
        int status;
        String text;
        if (plain) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Accept", "application/json");
            if (body != null) {
                headers.put("Content-Type", type);
            }
            if (token != null) {
                headers.put("Authorization", "Bearer " + token);
            }
            try (PlainHttp.Response r = PlainHttp.exchange(uri(path), method, headers, body, CONNECT_MILLIS,
                    READ_MILLIS)) {
                status = r.status();
                text = r.text();
            } catch (java.net.ConnectException e) {
                throw cannotConnect(e);
            }
        } else {
            HttpResponse<String> r = sendTls(method, path, body, type);
            status = r.statusCode();
            text = r.body();
        }
        JsonNode json = text.isEmpty() ? JSON.nullNode() : parse(text);
        if (status >= 400) {
            String msg = json.hasNonNull("error") ? json.get("error").asText() : text;
            throw new AdminClientException(status, "HTTP " + status + ": " + msg);
        }
        return json;
    }

    private HttpResponse<String> sendTls(String method, String path, String body, String type) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return tls().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.net.ConnectException e) {
            throw cannotConnect(e);
        }
    }

    private static JsonNode parse(String text) throws IOException {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    /** Follows the event stream, calling {@code onEvent} with each event's JSON until interrupted. */
    public void follow(long after, Consumer<JsonNode> onEvent) throws IOException {
        String path = ApiEndpoint.EVENT_STREAM.expand() + (after >= 0 ? "?after=" + after : "");
        if (plain) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Accept", "text/event-stream");
            if (token != null) {
                headers.put("Authorization", "Bearer " + token);
            }
            try (PlainHttp.Response r = PlainHttp.exchange(uri(path), "GET", headers, null, CONNECT_MILLIS, 0)) {
                if (r.status() != 200) {
                    throw new AdminClientException(r.status(), "HTTP " + r.status());
                }
                var lines = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                        java.nio.charset.StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data: ")) {
                        onEvent.accept(parse(line.substring(6)));
                    }
                }
            } catch (java.net.ConnectException e) {
                throw cannotConnect(e);
            }
            return;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<java.util.stream.Stream<String>> r = tls().send(b.build(), HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                throw new AdminClientException(r.statusCode(), "HTTP " + r.statusCode());
            }
            try (var lines = r.body()) {
                for (var it = lines.iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (line.startsWith("data: ")) {
                        onEvent.accept(parse(line.substring(6)));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
