package io.fulcrum.admin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A JDK HTTP client for tests, with JSON helpers. */
public final class Http implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HttpResponse<String> send(String method, URI uri, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode json(String method, URI uri, String token, String body, int expectedStatus) throws Exception {
        HttpResponse<String> r = send(method, uri, token, body);
        if (r.statusCode() != expectedStatus) {
            throw new AssertionError(method + " " + uri + " gave " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    public String get(URI uri) throws Exception {
        HttpResponse<String> r = send("GET", uri, null, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + uri + " gave " + r.statusCode());
        }
        return r.body();
    }

    public HttpClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
    }
}
