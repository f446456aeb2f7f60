package io.fulcrum.proxy.http;

import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.single;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed requests, including request-smuggling shapes: each gets a 4xx, the
 * connection is closed, and nothing reaches the backend.
 */
class MalformedRequestTest {

    private final ProxyFixture f = new ProxyFixture();
    private TestBackend backend;

    @BeforeEach
    void start() throws Exception {
        backend = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(backend, 1)))));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    static Stream<Arguments> malformed() {
        String bigHeader = "X-Big: " + "a".repeat(20_000) + "\r\n";
        return Stream.of(
                Arguments.of("Content-Length with Transfer-Encoding",
                        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding with Content-Length (reversed order)",
                        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                                + "5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("two different Content-Length values",
                        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.of("Content-Length list", "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!",
                        400),
                Arguments.of("invalid chunk size",
                        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                        400),
                Arguments.of("obfuscated Transfer-Encoding",
                        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        400),
                Arguments.of("chunked not last", "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("header section over the limit", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeader + "\r\n", 431),
                Arguments.of("bad request line", "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("garbage request line", "\u0001\u0002 nonsense\r\n\r\n", 400),
                Arguments.of("bad version", "GET / HTTP/9.9z\r\nHost: x\r\n\r\n", 400),
                Arguments.of("request line over the limit", "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                        414),
                Arguments.of("missing Host in HTTP/1.1", "GET / HTTP/1.1\r\nUser-Agent: t\r\n\r\n", 400),
                Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding in HTTP/1.0",
                        "POST /upload HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("bare LF line endings", "GET / HTTP/1.1\nHost: x\n\n", 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isRefusedAndClosedAndNeverReachesTheBackend(String name, String raw, int expectedStatus) throws Exception {
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(raw).read();
            assertThat(r.status()).as(name).isEqualTo(expectedStatus);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(c.isClosedByPeer()).as("connection closed after " + name).isTrue();
        }
        assertThat(backend.requests()).as("requests that reached the backend").isZero();
        assertThat(backend.accepts()).as("connections the backend accepted").isZero();
        // The proxy is still healthy afterwards.
        assertThat(f.get("/").body()).isEqualTo("a");
    }
}
