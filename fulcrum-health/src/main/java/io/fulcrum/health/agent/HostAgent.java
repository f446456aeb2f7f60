package io.fulcrum.health.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The host agent ({@code fulcrum agent}): a small HTTP+JSON server on a server host
 * that reports its host metrics ({@code GET /metrics}: CPU load, memory in use,
 * established connections per service port, the output of operator scripts) and its
 * shadow connection table ({@code GET /connections}: every established connection to
 * a service port). Every request needs {@code Authorization: Bearer <token>}.
 *
 * <p>It uses the JDK's HTTP server on virtual threads: it is off any data path and
 * answers a few polls per second.
 */
public final class HostAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostAgent.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the agent serves.
     *
     * @param listen        address to listen on
     * @param token         shared token (required)
     * @param servicePorts  local ports whose established connections are counted and listed
     * @param scripts       script name to shell command
     * @param scriptTimeout time one script may run
     */
    public record Settings(InetSocketAddress listen, String token, Set<Integer> servicePorts,
                           Map<String, String> scripts, Duration scriptTimeout) {

        public Settings {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("the agent needs a token");
            }
            servicePorts = Set.copyOf(servicePorts);
            scripts = Map.copyOf(scripts);
        }
    }

    private final Settings settings;
    private final ProcConnections connections = new ProcConnections();
    private final byte[] expectedAuth;
    private HttpServer server;
    private ExecutorService executor;

    public HostAgent(Settings settings) {
        this.settings = settings;
        this.expectedAuth = ("Bearer " + settings.token().strip()).getBytes(StandardCharsets.UTF_8);
    }

    /** Binds and starts serving. */
    public synchronized void start() throws IOException {
        server = HttpServer.create(settings.listen(), 64);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> handle(ex, this::metrics));
        server.createContext("/connections", ex -> handle(ex, this::shadowTable));
        server.start();
        LOG.info("agent serving on {} (service ports {}, scripts {})", address(), settings.servicePorts(),
                settings.scripts().keySet());
    }

    /** Where it is bound (port 0 resolved). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private interface Body {
        Object build() throws IOException;
    }

    private void handle(HttpExchange ex, Body body) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(expectedAuth, auth.strip().getBytes(StandardCharsets.UTF_8))) {
                send(ex, 401, Map.of("error", "missing or wrong token"));
                return;
            }
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                send(ex, 405, Map.of("error", "only GET"));
                return;
            }
            send(ex, 200, body.build());
        } catch (IOException | RuntimeException e) {
            LOG.debug("agent request failed: {}", e.toString());
        }
    }

    private static void send(HttpExchange ex, int status, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The {@code /metrics} document. */
    Map<String, Object> metrics() throws IOException {
        HostMetrics.Reading r = HostMetrics.read();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("time", Instant.now().toString());
        doc.put("cpu", Map.of("load1", r.load1(), "cores", r.cores(), "percent", r.cpuPercent()));
        doc.put("memory", Map.of("totalBytes", r.memTotalBytes(), "availableBytes", r.memAvailBytes(),
                "percent", r.memoryPercent()));
        Map<String, Integer> counts = new TreeMap<>();
        settings.servicePorts().forEach(p -> counts.put(Integer.toString(p), 0));
        for (ProcConnections.Connection c : connections.established(settings.servicePorts())) {
            counts.merge(Integer.toString(c.port()), 1, Integer::sum);
        }
        doc.put("connections", counts);
        Map<String, Object> scripts = new TreeMap<>();
        for (Map.Entry<String, String> s : settings.scripts().entrySet()) {
            ScriptRunner.Outcome o = ScriptRunner.run(s.getValue(), settings.scriptTimeout());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("output", o.output());
            m.put("exitCode", o.exitCode());
            m.put("value", o.value());
            scripts.put(s.getKey(), m);
        }
        doc.put("scripts", scripts);
        return doc;
    }

    /** The {@code /connections} document: the shadow table per service port. */
    Map<String, Object> shadowTable() throws IOException {
        Map<String, List<Map<String, String>>> ports = new TreeMap<>();
        settings.servicePorts().forEach(p -> ports.put(Integer.toString(p), new java.util.ArrayList<>()));
        for (ProcConnections.Connection c : connections.established(settings.servicePorts())) {
            ports.get(Integer.toString(c.port())).add(Map.of("local", c.local(), "remote", c.remote(),
                    "state", "ESTABLISHED"));
        }
        return Map.of("time", Instant.now().toString(), "ports", ports);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }
}
