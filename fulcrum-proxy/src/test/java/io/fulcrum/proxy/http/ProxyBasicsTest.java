package io.fulcrum.proxy.http;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.config.ForwardedHeadersConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.RouteMatch;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static io.fulcrum.proxy.testing.TestConfigs.single;
import static org.assertj.core.api.Assertions.assertThat;

/** Proxying basics over real sockets: forwarding, headers, HTTP/1.0, pipelining, routing. */
class ProxyBasicsTest {

    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void forwardsRequestAndAddsForwardingHeaders() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET /hello?x=1 HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: 10.1.1.1\r\n"
                    + "Connection: keep-alive, X-Secret\r\nX-Secret: hop\r\nKeep-Alive: timeout=5\r\n"
                    + "Proxy-Connection: keep-alive\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
        }
        HttpHeaders seen = a.seenHeaders().getFirst();
        assertThat(a.seenRequestLines().getFirst()).isEqualTo("GET /hello?x=1 HTTP/1.1");
        assertThat(seen.get("X-Forwarded-For")).isEqualTo("10.1.1.1, 127.0.0.1");
        assertThat(seen.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.get("X-Forwarded-Host")).isEqualTo("shop.example");
        assertThat(seen.get("Host")).isEqualTo("shop.example");
        // Hop-by-hop headers, including one the Connection header names, never reach the backend.
        assertThat(seen.contains("X-Secret")).isFalse();
        assertThat(seen.contains("Keep-Alive")).isFalse();
        assertThat(seen.contains("Proxy-Connection")).isFalse();
        assertThat(seen.contains("Connection")).isFalse();
    }

    @Test
    void addsForwardedAndViaWhenAsked() throws Exception {
        TestBackend a = f.backend("a");
        var p = pool("p", "round-robin", List.of(backend(a, 1)));
        var listener = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .forwarded(new ForwardedHeadersConfig(false, true, true))
                .routes(List.of(new RouteConfig("r", null, "p", null)))
                .build();
        f.start(TestConfigs.single(listener, p));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("GET / HTTP/1.1\r\nHost: h.example\r\n\r\n").read();
            assertThat(r.header("via")).isEqualTo("1.1 fulcrum");
        }
        HttpHeaders seen = a.seenHeaders().getFirst();
        assertThat(seen.get("Forwarded")).isEqualTo("for=127.0.0.1;host=\"h.example\";proto=http");
        assertThat(seen.get("Via")).isEqualTo("1.1 fulcrum");
        assertThat(seen.contains("X-Forwarded-For")).isFalse();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /status/202 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /status/203 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(201);
            RawHttp.Response head = c.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1");
            assertThat(c.read().status()).isEqualTo(202);
            RawHttp.Response upload = c.read();
            assertThat(upload.body()).isEqualTo("5");
            assertThat(c.read().status()).isEqualTo(203);
        }
        assertThat(a.requests()).isEqualTo(5);
    }

    @Test
    void requestsPipelinedAfterConnectionCloseAreNotServed() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            // Answered by the backend, asynchronously: the followers wait in the pipeline queue.
            c.send("GET /status/201 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    + "GET /status/202 HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(c.isClosedByPeer()).isTrue();
        }
        try (RawHttp c = new RawHttp(f.address())) {
            // Refused by Fulcrum at once (417 closes): the followers are decoded in the same read.
            c.send("GET /status/204 HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n"
                    + "GET /status/205 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /status/206 HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(417);
            assertThat(c.isClosedByPeer()).isTrue();
        }
        assertThat(a.seenRequestLines()).containsExactly("GET /status/201 HTTP/1.1");
    }

    @Test
    void http10ClientsAreServed() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("GET / HTTP/1.0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
            assertThat(c.isClosedByPeer()).isTrue();
        }
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.header("connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().body()).isEqualTo("a");
        }
        // The backend is spoken to in HTTP/1.1, with a Host header supplied.
        assertThat(a.seenRequestLines()).allMatch(l -> l.endsWith("HTTP/1.1"));
        assertThat(a.seenHeaders().getFirst().get("Host")).isEqualTo(a.address());
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(100);
            RawHttp.Response r = c.send("hello world").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("11");
        }
        assertThat(a.seenHeaders().getFirst().contains("Expect")).isFalse();
    }

    @Test
    void chunkedRequestBodiesAreRelayed() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").read();
            assertThat(r.body()).isEqualTo("11");
        }
        assertThat(a.uploadedBytes()).isEqualTo(11);
    }

    @Test
    void routesByHostPathMethodAndHeader() throws Exception {
        TestBackend api = f.backend("api");
        TestBackend img = f.backend("img");
        TestBackend wild = f.backend("wild");
        TestBackend canary = f.backend("canary");
        TestBackend post = f.backend("post");
        TestBackend def = f.backend("default");
        var routes = List.of(
                new RouteConfig("canary", new RouteMatch(null, null, null, null, Map.of("X-Canary", "~yes|true")),
                        "canary", null),
                new RouteConfig("api", new RouteMatch(List.of("api.example"), "/v1/", null, null, null), "api", null),
                new RouteConfig("img", new RouteMatch(null, null, "/img/[0-9]+\\.png", null, null), "img", null),
                new RouteConfig("wild", new RouteMatch(List.of("*.wild.example"), null, null, null, null), "wild",
                        null),
                new RouteConfig("post", new RouteMatch(null, "/form", null, List.of("POST"), null), "post", null),
                new RouteConfig("default", new RouteMatch(List.of("www.example"), null, null, null, null),
                        "default", null));
        var pools = List.of(pool("api", "round-robin", List.of(backend(api, 1))),
                pool("img", "round-robin", List.of(backend(img, 1))),
                pool("wild", "round-robin", List.of(backend(wild, 1))),
                pool("canary", "round-robin", List.of(backend(canary, 1))),
                pool("post", "round-robin", List.of(backend(post, 1))),
                pool("default", "round-robin", List.of(backend(def, 1))));
        f.start(FulcrumConfigBuilder.config()
                .server(server())
                .noAccessLog()
                .listeners(List.of(ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0)).routes(routes).build()))
                .pools(pools)
                .build());
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(get("/v1/users", "API.example:8080")).read().body()).isEqualTo("api");
            assertThat(c.send(get("/v2/users", "api.example")).read().status()).isEqualTo(404);
            assertThat(c.send(get("/img/12.png?size=2", "any")).read().body()).isEqualTo("img");
            assertThat(c.send(get("/img/x.png", "any")).read().status()).isEqualTo(404);
            assertThat(c.send(get("/", "a.b.wild.example")).read().body()).isEqualTo("wild");
            assertThat(c.send(get("/", "wild.example")).read().status()).isEqualTo(404);
            assertThat(c.send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read().body())
                    .isEqualTo("post");
            assertThat(c.send(get("/form", "x")).read().status()).isEqualTo(404);
            assertThat(c.send("GET /v1/users HTTP/1.1\r\nHost: api.example\r\nX-Canary: true\r\n\r\n").read().body())
                    .isEqualTo("canary");
            RawHttp.Response notFound = c.send(get("/", "nothing.example")).read();
            assertThat(notFound.status()).isEqualTo(404);
            // A 404 keeps the connection usable.
            assertThat(c.send(get("/", "www.example")).read().body()).isEqualTo("default");
        }
    }

    private static String get(String path, String host) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    }
}
