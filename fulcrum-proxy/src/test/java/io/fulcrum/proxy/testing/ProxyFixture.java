package io.fulcrum.proxy.testing;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.proxy.ProxyServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Backends and a proxy started for one test, stopped together. */
public final class ProxyFixture implements AutoCloseable {

    private final List<TestBackend> backends = new ArrayList<>();
    private ProxyServer proxy;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts a named backend owned by this fixture. */
    public TestBackend backend(String name) {
        TestBackend b = TestBackend.start(name);
        backends.add(b);
        return b;
    }

    /** Starts a named TLS backend owned by this fixture. */
    public TestBackend tlsBackend(String name, io.netty.handler.ssl.SslContext tls) {
        TestBackend b = TestBackend.startTls(name, tls);
        backends.add(b);
        return b;
    }

    /** Starts a named HTTP/2-only backend (h2c, or h2 over TLS with {@code tls}) owned by this fixture. */
    public TestBackend h2Backend(String name, io.netty.handler.ssl.SslContext tls) {
        TestBackend b = TestBackend.startH2(name, tls);
        backends.add(b);
        return b;
    }

    /** A backend this fixture started, by name. */
    public TestBackend backendNamed(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    /** Starts the proxy. */
    public ProxyServer start(FulcrumConfig config) throws IOException {
        proxy = new ProxyServer(config);
        proxy.start();
        return proxy;
    }

    public ProxyServer proxy() {
        return proxy;
    }

    /** The address of listener {@code web}. */
    public InetSocketAddress address() {
        return proxy.boundAddresses().get("web");
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + address().getPort() + path);
    }

    /** GET through the proxy with the JDK client (keep-alive, its own connection pool). */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient client() {
        return http;
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.shutdownGracefully(Duration.ofSeconds(1));
        }
        backends.forEach(TestBackend::close);
        http.close();
    }
}
