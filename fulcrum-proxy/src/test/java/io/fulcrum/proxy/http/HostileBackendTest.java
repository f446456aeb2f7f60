package io.fulcrum.proxy.http;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.ScriptedOrigin;
import io.fulcrum.proxy.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backends that break HTTP/1.1 framing (issue 24 items 2 and 6): a raw origin writes exactly
 * the bytes of each case, the client is a raw socket. Each case names what HAProxy 2.6 did
 * with the same origin (run on loopback, {@code mode http}, {@code http-reuse always}).
 */
class HostileBackendTest {

    private final ProxyFixture f = new ProxyFixture();
    private ScriptedOrigin origin;

    @BeforeEach
    void start() throws Exception {
        origin = ScriptedOrigin.start();
        f.start(TestConfigs.single(TestConfigs.listener(List.of(new RouteConfig("all", null, "p", null))), TestConfigs.pool("p", "round-robin", List.of(new BackendConfig(null, HostPort.parse(origin.address()), 1, null, null, null, null, null)))));
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        origin.close();
    }

    // ---- item 2: bytes beyond a response never answer the next request --------------------------

    /**
     * A HEAD answered with a body: the 5 body bytes stayed buffered on the pooled connection and
     * the pipelined GET got "hello" + its own response as one unparseable head (502). HAProxy:
     * closes that server connection; the GET gets its own 200 on a new one.
     */
    @Test
    void aBodyAfterAHeadResponseClosesTheBackendConnection() throws Exception {
        origin.respond("/head", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("HEAD /head HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readHead().status()).isEqualTo(200);
            RawHttp.Response next = c.read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("ok");
        }
        assertThat(origin.seen()).extracting(ScriptedOrigin.Seen::connection).containsExactly(1, 2);
    }

    /**
     * A response followed by a second one nobody asked for: the pipelined request got the forged
     * one. HAProxy: the GET gets the origin's answer to it ("ok") on a new connection.
     */
    @Test
    void anUnsolicitedSecondResponseNeverReachesTheNextRequest() throws Exception {
        origin.respond("/extra", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged");
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET /extra HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.read().body()).isEqualTo("ok");
            assertThat(c.read().body()).isEqualTo("ok");
        }
        assertThat(origin.seen()).extracting(ScriptedOrigin.Seen::connection).containsExactly(1, 2);
    }

    /**
     * Stray bytes that arrive while the connection sits idle in the pool (not a whole head, so
     * nothing was delivered): they were kept and prefixed the next response (502). Now the
     * connection is closed when they arrive; the next client's request goes on a new one.
     * HAProxy: not compared (the same origin script needs the pause between the two writes).
     */
    @Test
    void strayBytesOnAnIdleConnectionCloseIt() throws Exception {
        origin.respond("/late", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + ScriptedOrigin.PAUSE + "junk");
        // One client connection for both requests: the same event loop, so the same backend pool.
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send("GET /late HTTP/1.1\r\nHost: a\r\n\r\n").read().body()).isEqualTo("ok");
            origin.awaitWritten();
            Thread.sleep(200); // the proxy reads the junk on the pooled connection before the next request
            RawHttp.Response r = c.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
        }
        assertThat(origin.seen()).extracting(ScriptedOrigin.Seen::connection).containsExactly(1, 2);
    }

    // ---- item 6: response codings -----------------------------------------------------------------

    /** Before: relayed with two Transfer-Encoding headers, xchunked and chunked. HAProxy: 502. */
    @Test
    void anUnknownResponseCodingIs502() throws Exception {
        origin.respond("/x", "HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertThat(get("/x").status()).isEqualTo(502);
    }

    /** A final coding other than chunked (the body would end at the close). HAProxy: 502. */
    @Test
    void aCodingListNotEndingInChunkedIs502() throws Exception {
        origin.respond("/gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\nhello");
        assertThat(get("/gzip").status()).isEqualTo(502);
    }

    /** Known codings ending in chunked are relayed, the coding list as the backend sent it. */
    @Test
    void knownCodingsEndingInChunkedAreRelayed() throws Exception {
        origin.respond("/gz", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        try (RawHttp c = new RawHttp(f.address())) {
            String raw = new String(c.send("GET /gz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").readToEnd(),
                    StandardCharsets.ISO_8859_1);
            assertThat(raw).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(raw.split("(?i)transfer-encoding:", -1)).hasSize(2); // one header line
            assertThat(raw).containsIgnoringCase("transfer-encoding: gzip, chunked\r\n").endsWith("0\r\n\r\n");
        }
    }

    /**
     * A bare LF inside a chunk extension: the chunk line ended at the LF and "b\r\nhe" was relayed
     * as the chunk's data. Now the chunk line is refused: the client never gets a complete
     * response with those bytes. HAProxy: 502 (it had not sent the head yet).
     */
    @Test
    void aChunkLineWithABareLfIsNeverRelayedAsData() throws Exception {
        origin.respond("/ext", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\nb\r\nhello\r\n0\r\n\r\n");
        try (RawHttp c = new RawHttp(f.address())) {
            String raw = new String(c.send("GET /ext HTTP/1.1\r\nHost: a\r\n\r\n").readToEnd(),
                    StandardCharsets.ISO_8859_1);
            assertThat(raw).doesNotContain("b\r\nhe").doesNotEndWith("0\r\n\r\n");
        }
    }

    private RawHttp.Response get(String path) throws Exception {
        try (RawHttp c = new RawHttp(f.address())) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
        }
    }
}
