package io.fulcrum.health.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.health.testing.FlakyOrigin;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host agent over real HTTP: token, host metrics, script outputs, the shadow connection table. */
class HostAgentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void servesMetricsScriptsAndShadowTableToTokenHolders() throws Exception {
        try (FlakyOrigin service = new FlakyOrigin("svc");
             HostAgent agent = new HostAgent(new HostAgent.Settings(
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "s3cret", Set.of(service.port()),
                     Map.of("load", "echo 42; echo more", "words", "echo busy"), Duration.ofSeconds(2)));
             HttpClient http = HttpClient.newHttpClient();
             Socket client = new Socket("127.0.0.1", service.port())) {
            agent.start();
            String base = "http://127.0.0.1:" + agent.address().getPort();

            HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(denied.statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);

            JsonNode m = JSON.readTree(get(http, base + "/metrics"));
            assertThat(m.path("cpu").path("cores").asInt()).isPositive();
            assertThat(m.path("memory").path("totalBytes").asLong()).isPositive();
            assertThat(m.path("memory").path("percent").asDouble()).isBetween(0.0, 100.0);
            assertThat(m.path("connections").path(Integer.toString(service.port())).asInt()).isGreaterThanOrEqualTo(1);
            assertThat(m.path("scripts").path("load").path("value").asDouble()).isEqualTo(42.0);
            assertThat(m.path("scripts").path("load").path("output").asText()).isEqualTo("42\nmore");
            assertThat(m.path("scripts").path("words").path("value").isNull()).isTrue();

            JsonNode shadow = JSON.readTree(get(http, base + "/connections"));
            JsonNode list = shadow.path("ports").path(Integer.toString(service.port()));
            String clientEnd = "127.0.0.1:" + client.getLocalPort();
            assertThat(list.findValuesAsText("remote")).contains(clientEnd);

            AgentClient manager = new AgentClient();
            AgentReport report = manager.poll(HostPort.of("127.0.0.1", agent.address().getPort()), "s3cret", Duration.ofSeconds(2));
            assertThat(report.metric("script:load")).isEqualTo(42.0);
            assertThat(report.metric("connections")).isGreaterThanOrEqualTo(1.0);
            assertThat(report.metric("script:missing")).isNull();
            assertThatThrownBy(() -> manager.poll(HostPort.of("127.0.0.1", agent.address().getPort()), "bad", Duration.ofSeconds(2)))
                    .isInstanceOf(IOException.class).hasMessageContaining("401");
            manager.close();
        }
    }

    @Test
    void procAddressesAreDecoded() {
        assertThat(ProcConnections.endpoint("0100007F:1F90")).isEqualTo("127.0.0.1:8080");
        assertThat(ProcConnections.endpoint("00000000000000000000000001000000:0050")).isEqualTo("[0:0:0:0:0:0:0:1]:80");
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }
}
