package io.fulcrum.proxy.http2;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.LimitsConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP/2 client path that serves streams without a channel each ({@link Http2ClientConnection}):
 * many concurrent streams on one connection, large bodies both ways through a slow backend with
 * the windows keeping what the proxy holds bounded, and resets that free the backend connections.
 * Real clients (h2load, the JDK client, a Netty client) over loopback; leaks fail the class.
 */
class Http2StreamPathTest {

    private final ProxyFixture f = new ProxyFixture();
    private SlowOrigin origin;

    @AfterEach
    void stop() throws IOException {
        f.close();
        if (origin != null) {
            origin.close();
        }
    }

    private void startWith(PoolConfig p) throws Exception {
        startWith(p, null);
    }

    private void startWith(PoolConfig p, LimitsConfig limits) throws Exception {
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .limits(limits)
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .http2(new Http2Config(true, null, null, null))
                .build();
        f.start(TestConfigs.single(l, p));
    }

    private void startWithSlowOrigin() throws Exception {
        origin = new SlowOrigin();
        startWith(pool("p", "round-robin", List.of(new BackendConfig("slow",
                HostPort.of("127.0.0.1", origin.port()), 1, null, null, null, null, null))));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + f.address().getPort() + path);
    }

    @Test
    void h2loadRunsTheMaximumOfConcurrentStreamsOnOneConnection() throws Exception {
        Assumptions.assumeTrue(Commands.works("h2load", "--version"), "h2load is not installed");
        TestBackend b = f.backend("b1");
        b.delay(5); // responses overlap: the streams are in flight together, not one after the other
        startWith(pool("p", "round-robin", List.of(backend(b, 1))));
        String out = Commands.run("h2load", "-n", "3000", "-c", "1", "-m", "100",
                "http://127.0.0.1:" + f.address().getPort() + "/many");
        assertThat(out).contains("3000 succeeded, 0 failed, 0 errored");
        assertThat(out).contains("3000 2xx");
        assertThat(b.requests()).isEqualTo(3000);
        // Concurrent streams need concurrent backend connections; a connection per stream would be 3000.
        assertThat(b.accepts()).isBetween(2, 100);
    }

    @Test
    void aLargeUploadToASlowBackendCompletesWithTheProxyHoldingABoundedAmount() throws Exception {
        startWithSlowOrigin();
        long size = 48L << 20;
        AtomicLong published = new AtomicLong();
        AtomicLong maxHeld = new AtomicLong();
        InputStream body = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long left = size - published.get();
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                // What the client has handed to its connection but the backend has not read yet is, at most,
                // in the windows, the proxy's buffers and the sockets' buffers.
                maxHeld.accumulateAndGet(published.addAndGet(n) - origin.uploaded.get(), Math::max);
                return n;
            }
        };
        try (HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            jdk.send(HttpRequest.newBuilder(uri("/warm")).build(), HttpResponse.BodyHandlers.discarding());
            HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(uri("/upload"))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
                            size))
                    .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(Long.toString(size));
        }
        assertThat(origin.uploaded.get()).isEqualTo(size);
        // Without backpressure the client would push the whole body into the proxy at once.
        assertThat(maxHeld.get()).isLessThan(16L << 20);
    }

    @Test
    void aLargeDownloadFromASlowBackendCompletesWhileOtherStreamsOfTheConnectionFlow() throws Exception {
        startWithSlowOrigin();
        long size = 24L << 20;
        try (HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            jdk.send(HttpRequest.newBuilder(uri("/warm")).build(), HttpResponse.BodyHandlers.discarding());
            CompletableFuture<Long> big = jdk.sendAsync(HttpRequest.newBuilder(uri("/trickle?gate&bytes=" + size))
                    .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofInputStream())
                    .thenApplyAsync(r -> readPattern(r.body()));
            // The origin holds the second half back until the small requests are done: they are answered on
            // the same connection while the big stream is open and waiting.
            await().atMost(30, TimeUnit.SECONDS).until(() -> origin.downloaded.get() >= size / 2);
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> small = jdk.send(HttpRequest.newBuilder(uri("/small")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(small.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(small.body()).isEqualTo("ok");
            }
            assertThat(big).isNotDone();
            origin.secondHalf.countDown();
            long read = big.get(60, TimeUnit.SECONDS);
            assertThat(read).isEqualTo(size);
        }
    }

    /** Reads a download whole, checking it is the origin's pattern; returns its length. */
    private static long readPattern(InputStream body) {
        long read = 0;
        try (InputStream in = body) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != SlowOrigin.patternAt(read + i)) {
                        throw new AssertionError("byte " + (read + i) + " of the download differs");
                    }
                }
                read += n;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return read;
    }

    /**
     * An answer given while the request body is still arriving (413 on the announced length):
     * the client gets the whole response, then RST_STREAM(NO_ERROR), which tells it to stop
     * sending without failing that response (RFC 9113 section 8.1); CANCEL would fail it.
     */
    @Test
    void anEarlyAnswerToAnUploadEndsTheStreamWithNoError() throws Exception {
        TestBackend b = f.backend("b1");
        startWith(pool("p", "round-robin", List.of(backend(b, 1))), new LimitsConfig(null, null, 1000L, null));
        try (H2TestClient c = new H2TestClient(f.address())) {
            H2TestClient.Response r = c.openUpload(new io.netty.handler.codec.http2.DefaultHttp2Headers()
                    .method("POST").path("/upload").scheme("http").authority("127.0.0.1")
                    .set("content-length", Integer.toString(10 << 20)), new byte[16 * 1024]);
            r.reset.get(10, TimeUnit.SECONDS);
            assertThat(r.status).isEqualTo("413");
            assertThat(r.done).isCompleted(); // the response's end came before the reset
            assertThat(r.resetCode).isEqualTo(io.netty.handler.codec.http2.Http2Error.NO_ERROR.code());
            H2TestClient.Response next = c.get("/after", true);
            assertThat(next.done.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
        }
        assertThat(b.requests()).isEqualTo(1);
    }

    @Test
    void clientResetsMidResponseCloseEveryBackendConnectionAndTheConnectionGoesOn() throws Exception {
        startWithSlowOrigin();
        int streams = 8;
        try (H2TestClient c = new H2TestClient(f.address())) {
            List<H2TestClient.Response> downloads = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                downloads.add(c.get("/trickle?bytes=" + (1L << 30), true));
            }
            await().atMost(20, TimeUnit.SECONDS).until(() -> downloads.stream().allMatch(d -> d.bodyBytes.get() > 0));
            downloads.forEach(H2TestClient.Response::cancel);
            // Each reset stream's backend connection is closed (the origin's writes fail), none kept for reuse.
            await().atMost(20, TimeUnit.SECONDS).until(() -> origin.aborted.get() == streams);
            H2TestClient.Response next = c.get("/small", true);
            assertThat(next.done.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThat(next.status).isEqualTo("200");
            assertThat(origin.connections.get()).isEqualTo(streams + 1);
        }
    }

    /**
     * An HTTP/1.1 origin on a loopback socket that is slow both ways: it reads an upload in
     * small pieces with pauses, and trickles a download out the same way. {@code /small}
     * answers {@code ok}. It counts what it read and wrote, and downloads cut short.
     */
    static final class SlowOrigin implements AutoCloseable {

        private static final int PIECE = 16 * 1024;

        final AtomicLong uploaded = new AtomicLong();
        final AtomicLong downloaded = new AtomicLong();
        final AtomicInteger aborted = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
        /** A {@code /trickle?gate} download stops halfway until this opens. */
        final java.util.concurrent.CountDownLatch secondHalf = new java.util.concurrent.CountDownLatch(1);
        private final ServerSocket server;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        SlowOrigin() throws IOException {
            server = new ServerSocket();
            server.setReceiveBufferSize(64 * 1024);
            server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        static byte patternAt(long offset) {
            return (byte) ('a' + offset % 26);
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                String head;
                while ((head = readHead(in)) != null) {
                    String target = head.split(" ", 3)[1];
                    long length = contentLength(head);
                    if (target.startsWith("/upload")) {
                        if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                            readChunkedSlowly(in);
                        } else {
                            readSlowly(in, length);
                        }
                        respond(out, Long.toString(uploaded.get()));
                    } else if (target.startsWith("/trickle")) {
                        in.skipNBytes(length);
                        long n = Long.parseLong(target.substring(target.indexOf("bytes=") + 6));
                        if (!trickle(out, n, target.contains("gate"))) {
                            aborted.incrementAndGet();
                            return;
                        }
                    } else {
                        in.skipNBytes(length);
                        respond(out, "ok");
                    }
                }
            } catch (IOException e) {
                // the proxy closed the connection
            }
        }

        private void readSlowly(InputStream in, long length) throws IOException {
            byte[] buf = new byte[PIECE];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("upload cut short");
                }
                left -= n;
                uploaded.addAndGet(n);
                pause();
            }
        }

        private void readChunkedSlowly(InputStream in) throws IOException {
            while (true) {
                String size = readLine(in);
                long n = Long.parseLong(size.split(";", 2)[0].trim(), 16);
                if (n == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return;
                }
                readSlowly(in, n);
                readLine(in);
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("cut short");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        /** Writes the download in pieces with pauses; false when the proxy closed the connection meanwhile. */
        private boolean trickle(OutputStream out, long n, boolean gated) {
            try {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[PIECE];
                long sent = 0;
                while (sent < n) {
                    if (gated && sent == n / 2) {
                        try {
                            secondHalf.await();
                        } catch (InterruptedException e) {
                            return false;
                        }
                    }
                    int len = (int) Math.min(buf.length, n - sent);
                    for (int i = 0; i < len; i++) {
                        buf[i] = patternAt(sent + i);
                    }
                    out.write(buf, 0, len);
                    out.flush();
                    sent += len;
                    downloaded.addAndGet(len);
                    pause();
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static void pause() {
            try {
                Thread.sleep(0, 500_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void respond(OutputStream out, String body) throws IOException {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                sb.append((char) c);
                if (sb.length() >= 4 && sb.lastIndexOf("\r\n\r\n") == sb.length() - 4) {
                    return sb.toString();
                }
            }
            return null;
        }

        private static long contentLength(String head) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(line.substring(colon + 1).trim());
                }
            }
            return 0;
        }

        @Override
        public void close() throws IOException {
            secondHalf.countDown();
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
