package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Responses from an HTTP/1.x backend relayed as bytes (see {@link ResponseFramer}): a scripted
 * backend on a real socket answers each path with exact bytes, sent in pieces where the test
 * wants heads and bodies split across reads; the client is a raw socket too.
 */
class RawResponseRelayTest {

    /** What the scripted backend sends for a path: pieces written with a pause between them. */
    private record Script(List<String> pieces, boolean closeAfter) {
    }

    private final ProxyFixture f = new ProxyFixture();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, String> requestsSeen = new ConcurrentHashMap<>();
    private ServerSocket backend;

    @BeforeEach
    void start() throws Exception {
        backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!backend.isClosed()) {
                try {
                    Socket s = backend.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        f.start(TestConfigs.single(TestConfigs.listener(List.of(new RouteConfig("all", null, "p", null))), TestConfigs.pool("p", "round-robin",
                        List.of(new BackendConfig(null, HostPort.of("127.0.0.1", backend.getLocalPort()), 1, null, null, null, null, null)))));
    }

    @AfterEach
    void stop() throws IOException {
        f.close();
        backend.close();
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String path = head.split(" ", 3)[1];
                requestsSeen.put(path, head);
                Script script = scripts.get(path);
                for (int i = 0; i < script.pieces().size(); i++) {
                    if (i > 0) {
                        Thread.sleep(30); // lets the proxy read each piece on its own
                    }
                    out.write(script.pieces().get(i).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                if (script.closeAfter()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // connection over
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            got.write(c);
            if (got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return got.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private void script(String path, String... pieces) {
        scripts.put(path, new Script(List.of(pieces), false));
    }

    private void scriptThenClose(String path, String... pieces) {
        scripts.put(path, new Script(List.of(pieces), true));
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n";
    }

    @Test
    void aContentLengthResponseLosesItsHopByHopHeadersAndKeepsTheRest() throws Exception {
        script("/cl", "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Connection: x\r\nTE: trailers\r\nUpgrade: nothing\r\nX-Keep: yes\r\nX-Case: MiXeD\r\n"
                + "Content-Length: 5\r\n\r\nhello");
        try (RawHttp c = new RawHttp(f.address())) {
            for (int i = 0; i < 3; i++) { // keep-alive: the same client connection serves them all
                RawHttp.Response r = c.send(get("/cl")).read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("hello");
                assertThat(r.header("x-keep")).isEqualTo("yes");
                assertThat(r.header("x-case")).isEqualTo("MiXeD");
                assertThat(r.headers()).doesNotContainKeys("x-hop", "keep-alive", "proxy-connection", "te", "upgrade",
                        "connection", "transfer-encoding");
            }
        }
    }

    @Test
    void aHeadAndBodySplitAcrossManyReadsArriveWhole() throws Exception {
        script("/split", "HTT", "P/1.1 200 OK\r", "\nX-A: 1\r\nContent-Len", "gth: 11\r\n", "\r", "\nhello", " world");
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(get("/split")).read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-a")).isEqualTo("1");
            assertThat(r.body()).isEqualTo("hello world");
        }
    }

    @Test
    void bareLineFeedsFromTheBackendBecomeCrlf() throws Exception {
        script("/lf", "HTTP/1.1 200 OK\nX-A: 1\nContent-Length: 2\n\nok");
        try (RawHttp c = new RawHttp(f.address())) {
            c.send(get("/lf"));
            byte[] head = c.readBytes("HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nok".length());
            assertThat(new String(head, StandardCharsets.ISO_8859_1))
                    .isEqualTo("HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nok");
        }
    }

    @Test
    void aChunkedResponseWithTrailersIsRelayedChunkedAcrossReads() throws Exception {
        script("/chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "lo\r\n6;ext=1\r\n world\r",
                "\n0\r\nX-Sum: 42\r\n", "\r\n");
        try (RawHttp c = new RawHttp(f.address())) {
            c.send(get("/chunked"));
            String expected = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
            assertThat(new String(c.readBytes(expected.length()), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
            RawHttp.Response second;
            // The rest is chunks of "hello world" and the trailer; read it and then a second response.
            String rest = readUntil(c, "X-Sum: 42\r\n\r\n");
            assertThat(dechunk(rest)).isEqualTo("hello world");
            second = c.send(get("/chunked")).read();
            assertThat(second.body()).isEqualTo("hello world");
        }
    }

    @Test
    void aBodyReadToTheCloseReachesAnHttp11ClientChunkedOnAKeptConnection() throws Exception {
        scriptThenClose("/eof", "HTTP/1.0 200 OK\r\nX-A: 1\r\n\r\nsome ", "bytes");
        script("/after", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter");
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(get("/eof")).read();
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(r.body()).isEqualTo("some bytes");
            assertThat(c.send(get("/after")).read().body()).isEqualTo("after");
        }
    }

    @Test
    void anHttp10ClientGetsAChunkedBodyPlainAndTheConnectionCloses() throws Exception {
        script("/chunked10", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET /chunked10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            String all = new String(c.readToEnd(), StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello")
                    .doesNotContainIgnoringCase("transfer-encoding").containsIgnoringCase("connection: close");
        }
    }

    @Test
    void noBodyForHead204And304AndTheConnectionGoesOn() throws Exception {
        script("/head", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        script("/204", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nX-A: 1\r\n\r\n");
        script("/304", "HTTP/1.1 304 Not Modified\r\nETag: \"e\"\r\n\r\n");
        script("/next", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response head = c.send("HEAD /head HTTP/1.1\r\nHost: h\r\n\r\n").readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("100");
            RawHttp.Response noContent = c.send(get("/204")).read();
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.header("x-a")).isEqualTo("1");
            assertThat(noContent.headers()).doesNotContainKeys("content-length", "transfer-encoding");
            RawHttp.Response notModified = c.send(get("/304")).read();
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("etag")).isEqualTo("\"e\"");
            assertThat(c.send(get("/next")).read().body()).isEqualTo("next");
        }
    }

    @Test
    void interimResponsesAreForwardedExceptContinue() throws Exception {
        script("/hints", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        try (RawHttp c = new RawHttp(f.address())) {
            c.send(get("/hints"));
            RawHttp.Response hints = c.read();
            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.header("link")).isEqualTo("</a.css>");
            RawHttp.Response ok = c.read();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("ok");
        }
    }

    @Test
    void aBrokenChunkMidBodyClosesTheClient() throws Exception {
        scriptThenClose("/badchunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "zz\r\n");
        try (RawHttp c = new RawHttp(f.address())) {
            c.send(get("/badchunk"));
            String all = new String(c.readToEnd(), StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 200 OK").doesNotEndWith("0\r\n\r\n");
        }
    }

    static Stream<Arguments> malformedHeads() {
        return Stream.of(
                Arguments.of("obs-fold", "HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok"),
                Arguments.of("no colon", "HTTP/1.1 200 OK\r\nJunk\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("bad status line", "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("not HTTP", "SSH-2.0-OpenSSH\r\n\r\n"),
                Arguments.of("two Content-Length",
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("Content-Length list", "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok"),
                Arguments.of("negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nok"),
                Arguments.of("control character", "HTTP/1.1 200 OK\r\nX-A: a\u0001b\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("bare CR", "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("head over the limit", "HTTP/1.1 200 OK\r\n"
                        + ("X-Big: " + "a".repeat(1000) + "\r\n").repeat(80) + "Content-Length: 2\r\n\r\nok"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeads")
    void aMalformedHeadIsA502(String name, String response) throws Exception {
        scriptThenClose("/bad", response);
        script("/good", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood");
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(get("/bad")).read();
            assertThat(r.status()).as(name).isEqualTo(502);
            assertThat(r.body()).doesNotContain("ok");
        }
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(get("/good")).read().body()).isEqualTo("good");
        }
    }

    @Test
    void anHttp2ClientGetsTheSameResponsesDecoded() throws Exception {
        Assumptions.assumeTrue(Commands.works("curl", "--version"), "curl is not installed");
        script("/cl", "HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: secret\r\nX-Keep: yes\r\n"
                + "Content-Length: 5\r\n\r\nhello");
        script("/chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                "6\r\n world\r\n0\r\n\r\n");
        try (ProxyFixture h2 = startHttp2Proxy()) {
            String base = "http://127.0.0.1:" + h2.address().getPort();
            String cl = curl("-sS", "-i", "--http2-prior-knowledge", base + "/cl");
            assertThat(cl).startsWith("HTTP/2 200").containsIgnoringCase("x-keep: yes")
                    .doesNotContainIgnoringCase("x-hop").endsWith("\r\n\r\nhello");
            String chunked = curl("-sS", "--http2-prior-knowledge", base + "/chunked");
            assertThat(chunked).isEqualTo("hello world");
        }
    }

    /**
     * A transfer coding overrides Content-Length (RFC 9112 section 6.3) on the decoded path too: an
     * HTTP/2 client gets the de-chunked body without the backend's (wrong) length, and a 204 without one.
     */
    @Test
    void anHttp2ClientGetsNoContentLengthThatATransferCodingOverrides() throws Exception {
        Assumptions.assumeTrue(Commands.works("curl", "--version"), "curl is not installed");
        script("/both", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        script("/none", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nX-Keep: yes\r\n\r\n");
        try (ProxyFixture h2 = startHttp2Proxy()) {
            String base = "http://127.0.0.1:" + h2.address().getPort();
            String both = curl("-sS", "-i", "--http2-prior-knowledge", base + "/both");
            assertThat(both).startsWith("HTTP/2 200").doesNotContainIgnoringCase("content-length")
                    .endsWith("\r\n\r\nhello world");
            String none = curl("-sS", "-i", "--http2-prior-knowledge", base + "/none");
            assertThat(none).startsWith("HTTP/2 204").containsIgnoringCase("x-keep: yes")
                    .doesNotContainIgnoringCase("content-length");
        }
    }

    /** A proxy with HTTP/2 (h2c) on its listener in front of the scripted backend. */
    private ProxyFixture startHttp2Proxy() throws Exception {
        ProxyFixture h2 = new ProxyFixture();
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .http2(new Http2Config(true, null, null, null))
                .build();
        h2.start(TestConfigs.single(l, TestConfigs.pool("p", "round-robin",
                        List.of(new BackendConfig(null, HostPort.of("127.0.0.1", backend.getLocalPort()), 1, null, null, null, null, null)))));
        return h2;
    }

    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "--max-time", "10"));
        cmd.addAll(List.of(args));
        return Commands.run(cmd.toArray(String[]::new));
    }

    @Test
    void theRequestCarriesTheForwardingHeaders() throws Exception {
        script("/fwd", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(get("/fwd")).read().status()).isEqualTo(200);
        }
        assertThat(requestsSeen.get("/fwd")).containsIgnoringCase("x-forwarded-for: 127.0.0.1");
    }

    private static String readUntil(RawHttp c, String end) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith(end)) {
            sb.append((char) (c.readBytes(1)[0] & 0xff));
        }
        return sb.toString();
    }

    /** The data of chunked bytes (ending with the last chunk and trailers). */
    private static String dechunk(String chunked) {
        StringBuilder data = new StringBuilder();
        int pos = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", pos);
            int size = Integer.parseInt(chunked.substring(pos, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                return data.toString();
            }
            data.append(chunked, eol + 2, eol + 2 + size);
            assertThat(chunked.substring(eol + 2 + size, eol + 4 + size)).isEqualTo("\r\n");
            pos = eol + 4 + size;
        }
    }
}
