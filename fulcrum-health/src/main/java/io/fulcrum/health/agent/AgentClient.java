package io.fulcrum.health.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.core.config.HostPort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The manager's side: fetches one agent's {@code /metrics} (blocking; called on a virtual thread). */
public final class AgentClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;

    public AgentClient() {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /**
     * Polls {@code hostPort}.
     *
     * @throws IOException when the agent cannot be reached, times out, refuses the token or answers nonsense
     */
    public AgentReport poll(HostPort hostPort, String token, Duration timeout) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + hostPort + "/metrics")).timeout(timeout)
                .header("Authorization", "Bearer " + (token == null ? "" : token)).GET().build();
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (resp.statusCode() != 200) {
            throw new IOException("agent " + hostPort + " answered " + resp.statusCode());
        }
        return AgentReport.parse(JSON.readTree(resp.body()));
    }

    public void close() {
        http.close();
    }
}
