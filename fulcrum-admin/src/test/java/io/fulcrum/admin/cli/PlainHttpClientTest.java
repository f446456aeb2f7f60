package io.fulcrum.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AdminClient} at an {@code http://} address speaks HTTP/1.1 over a plain socket: against
 * a real socket server answering with a chunked body, a sized body, an error and an event
 * stream; and, in a JVM of its own that lists the classes it loads, a call loads neither the
 * JDK's HTTP client nor TLS (their set-up was most of a {@code ctl} call's start-up).
 */
class PlainHttpClientTest {

    /** Answers each connection with the next canned response and records the request heads. */
    private static final class CannedServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final Thread thread;

        CannedServer(List<String> responses) throws IOException {
            thread = Thread.ofPlatform().daemon().start(() -> {
                for (String response : responses) {
                    try (Socket s = socket.accept()) {
                        requests.add(readRequest(s.getInputStream()));
                        OutputStream out = s.getOutputStream();
                        out.write(response.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }

        /** The head, then as many body bytes as its Content-Length says. */
        private static String readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int length = 0;
            for (String line = PlainHttp.line(in); !line.isEmpty(); line = PlainHttp.line(in)) {
                head.append(line).append('\n');
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return head + "\n" + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(2000);
        }
    }

    @Test
    void callsAnHttpServerOverAPlainSocket() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "7\r\n{\"pool\"\r\n9;ext=1\r\n:\"web\",\"n\r\n3\r\n\":1\r\n1\r\n}\r\n0\r\n\r\n";
        String sized = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";
        String error = "HTTP/1.1 404 Not Found\r\ncontent-length: 26\r\n\r\n{\"error\":\"no pool 'nope'\"}";
        String events = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
                + ": keep-alive\n\ndata: {\"kind\":\"backend.down\"}\n\ndata: {\"kind\":\"backend.up\"}\n\n";
        try (CannedServer server = new CannedServer(List.of(chunked, sized, error, events))) {
            AdminClient client = new AdminClient(server.uri(), "s3cret");
            JsonNode first = client.get("/api/v1/pools?x=1");
            assertThat(first.get("pool").asText()).isEqualTo("web");
            assertThat(first.get("n").asInt()).isEqualTo(1);
            assertThat(client.post("/api/v1/reload", java.util.Map.of("a", "b")).get("ok").asBoolean()).isTrue();
            assertThatThrownBy(() -> client.get("/api/v1/pools/nope"))
                    .isInstanceOf(AdminClient.AdminClientException.class).hasMessage("HTTP 404: no pool 'nope'");
            List<String> kinds = new ArrayList<>();
            client.follow(7, e -> kinds.add(e.get("kind").asText()));
            assertThat(kinds).containsExactly("backend.down", "backend.up");

            assertThat(server.requests.get(0)).startsWith("GET /api/v1/pools?x=1 HTTP/1.1\n")
                    .contains("Host: 127.0.0.1:" + server.socket.getLocalPort(), "Authorization: Bearer s3cret",
                            "Accept: application/json", "Connection: close");
            assertThat(server.requests.get(1)).startsWith("POST /api/v1/reload HTTP/1.1\n")
                    .contains("Content-Type: application/json", "Content-Length: 9").endsWith("\n\n{\"a\":\"b\"}");
            assertThat(server.requests.get(3)).startsWith("GET /api/v1/events/stream?after=7 HTTP/1.1\n")
                    .contains("Accept: text/event-stream");
        }
    }

    @Test
    void aRefusedConnectionSaysWhereItWasGoing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        AdminClient client = new AdminClient(URI.create("http://127.0.0.1:" + port + "/"), null);
        assertThatThrownBy(() -> client.get("/api/v1/pools"))
                .hasMessage("cannot connect to http://127.0.0.1:" + port + "/ (is Fulcrum running with an admin section?)");
    }

    @Test
    void aCallLoadsNeitherTheJdkHttpClientNorTls() throws Exception {
        try (CannedServer server = new CannedServer(List.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))) {
            Process p = new ProcessBuilder(java(), "-verbose:class", "-cp", System.getProperty("java.class.path"),
                    OneCall.class.getName(), server.uri().toString()).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String log = out.toString(StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(log).isZero();
            assertThat(log).contains("answered {}")
                    .doesNotContain("jdk.internal.net.http.HttpClientImpl", "javax.net.ssl.SSLContext ");
        }
    }

    private static String java() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** One GET with {@link AdminClient}, as a ctl call makes it. */
    public static final class OneCall {
        public static void main(String[] args) throws Exception {
            System.out.println("answered " + new AdminClient(URI.create(args[0]), "t").get("/api/v1/status"));
        }
    }
}
