package io.fulcrum.app.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A sample backend over real HTTP: its page, its health answer, and escaping. */
class SampleBackendTest {

    @Test
    void answersEveryPathWithItsNameAndHealthWithOk() throws Exception {
        try (SampleBackend backend = SampleBackend.start("alpha", "#c0392b");
             HttpClient client = HttpClient.newHttpClient()) {
            URI base = URI.create("http://" + backend.hostPort());

            HttpResponse<String> page = client.send(HttpRequest.newBuilder(base.resolve("/some/path?q=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("X-Backend")).hasValue("alpha");
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(page.body()).contains("<h1>alpha</h1>", "#c0392b", "/some/path?q=1");

            HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok");
        }
    }

    @Test
    void escapesTheRequestPathInItsPage() throws Exception {
        try (SampleBackend backend = SampleBackend.start("beta", "#2471a3");
             HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://" + backend.hostPort() + "/%3Cscript%3E?x=%3Cb%3E");
            String body = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).doesNotContain("<script>").doesNotContain("<b>");
        }
    }

    @Test
    void closingReleasesThePort() throws Exception {
        SampleBackend backend = SampleBackend.start("gamma", "#1e8449");
        int port = backend.address().getPort();
        backend.close();
        try (Socket s = new Socket()) {
            assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.1", port), 1000))
                    .isInstanceOf(IOException.class);
        }
    }
}
