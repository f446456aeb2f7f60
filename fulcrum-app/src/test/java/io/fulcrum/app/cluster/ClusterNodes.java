package io.fulcrum.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.app.FulcrumCommand;
import io.fulcrum.testsupport.FulcrumProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One Fulcrum node of a test cluster: its own JVM, proxy and admin ports, and HTTP helpers. */
final class ClusterNodes {

    static final String TOKEN = "cluster-test-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A node: the process, where its proxy and admin API listen. */
    record Node(String name, FulcrumProcess process, int proxyPort, int adminPort) {

        URI proxy(String path) {
            return URI.create("http://127.0.0.1:" + proxyPort + path);
        }

        /** GET an admin API path under /api/v1/, as JSON. */
        JsonNode api(HttpClient http, String path) throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + adminPort + "/api/v1/" + path))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException(path + ": " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        }
    }

    private ClusterNodes() {
    }

    /** Writes {@code yaml} as the node's file and starts it; returns once its listener is bound. */
    static Node start(Path dir, String name, int proxyPort, int adminPort, String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        FulcrumProcess p = new FulcrumProcess(name, FulcrumCommand.class.getName(), file, List.of()).start();
        p.awaitOutput("listener web on", 1, Duration.ofSeconds(60));
        return new Node(name, p, proxyPort, adminPort);
    }
}
