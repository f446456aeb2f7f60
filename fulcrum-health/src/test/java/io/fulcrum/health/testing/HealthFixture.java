package io.fulcrum.health.testing;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.health.HealthService;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.testsupport.FreePorts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A proxy with a health service on a configuration given as YAML (bound and validated
 * by the real loader), listening on 127.0.0.1 and an ephemeral port, and an event
 * log whose events the test can read.
 */
public final class HealthFixture implements AutoCloseable {

    private final EventLog events = new EventLog();
    private final List<Event> seen = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ProxyServer proxy;
    private String routeExtra = "";
    private int port;
    private HealthService health;

    public HealthFixture() {
        events.subscribe(seen::add);
    }

    /** Parses, validates and starts; {@code yaml} holds the pools section (a listener is added). */
    public HealthFixture start(String poolsYaml) throws Exception {
        return start(poolsYaml, "");
    }

    /** Same, with extra YAML for the route (for example its stickiness). */
    public HealthFixture start(String poolsYaml, String routeExtra) throws Exception {
        this.routeExtra = routeExtra;
        this.port = FreePorts.tcp();
        FulcrumConfig config = config(poolsYaml, routeExtra, port);
        proxy = new ProxyServer(config);
        proxy.start();
        health = new HealthService(proxy, events);
        health.start(config);
        return this;
    }

    /** The configuration for this pools section: one listener on {@code port} whose route goes to the first pool. */
    static FulcrumConfig config(String poolsYaml, String routeExtra, int port) throws Exception {
        String first = poolsYaml.lines().filter(l -> l.strip().startsWith("- name:")).findFirst().orElseThrow()
                .strip().substring(7).strip();
        String yaml = """
                server:
                  eventLoopThreads: 1
                accessLog:
                  enabled: false
                listeners:
                  - name: front
                    bind: 127.0.0.1:%d
                    routes:
                      - name: all
                        pool: %s
                %s
                pools:
                %s
                """.formatted(port, first, routeExtra.indent(8).stripTrailing(), poolsYaml.indent(2).stripTrailing());
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    /** Applies a new pools section, as a reload does (proxy first, then the health service). */
    public void reload(String poolsYaml) throws Exception {
        // Same listener name and bind text: the proxy keeps its bound channel.
        FulcrumConfig config = config(poolsYaml, routeExtra, port);
        proxy.apply(config);
        health.apply(config);
    }

    public ProxyServer proxy() {
        return proxy;
    }

    public HealthService health() {
        return health;
    }

    public EventLog events() {
        return events;
    }

    public List<Event> seen() {
        return List.copyOf(seen);
    }

    /** Events of this kind about this subject, oldest first. */
    public List<Event> events(String kind, String subject) {
        return seen.stream().filter(e -> e.kind().equals(kind) && e.subject().equals(subject)).toList();
    }

    public Backend backend(String pool, String name) {
        return proxy.backend(pool, name);
    }

    /** GET through the proxy; returns the body (e.g. "ok a"). */
    public HttpResponse<String> get(String path) throws Exception {
        return get(path, null);
    }

    /** GET with a Cookie header ({@code null} for none). */
    public HttpResponse<String> get(String path, String cookie) throws Exception {
        var addr = proxy.boundAddresses().get("front");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + addr.getPort() + path))
                .timeout(Duration.ofSeconds(5)).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code n} requests and counts answers per origin name ("ok a" counts for "a"). */
    public java.util.Map<String, Integer> spread(int n) throws Exception {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            String body = get("/").body().strip();
            counts.merge(body.startsWith("ok ") ? body.substring(3) : body, 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
        if (proxy != null) {
            proxy.shutdownGracefully(Duration.ZERO);
        }
        client.close();
    }
}
