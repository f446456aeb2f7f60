package io.fulcrum.gslb.testing;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.gslb.SiteStateService;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.testsupport.FreePorts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One test site on its own loopback address (127.0.N.1): two real HTTP backends, a real
 * Fulcrum proxy listener over them, and the site-state service, all wired as
 * {@code FulcrumNode} does.
 */
public final class Site implements AutoCloseable {

    /** A secret of at least 16 characters shared by sites {@code x} and {@code y}. */
    public static String secret(String x, String y) {
        return "test-secret-" + keyId(x, y) + "-0123456789";
    }

    /** The key id of the pair, the same at both ends. */
    public static String keyId(String x, String y) {
        return x.compareTo(y) < 0 ? x + "-" + y : y + "-" + x;
    }

    public final String name;
    public final String ip;
    public final int webPort;
    public final int gslbPort;
    public final EventLog events = new EventLog();
    private final List<HttpServer> backends = new ArrayList<>();
    private ProxyServer proxy;
    private SiteStateService service;
    private FulcrumConfig config;
    /** Whether the redirect hand-off is on in the next configuration made. */
    public boolean redirect = true;
    /**
     * How every site checks this site's VIP (a pool's check, in YAML flow style): a GET that
     * passes on a 2xx only, so a VIP handing its requests off (307) is down.
     */
    public String check = "{type: {http: {expectStatus: 200-299}}, interval: 200ms, timeout: 2s, fall: 2, rise: 1}";

    public Site(String name, int n) throws IOException {
        this.name = name;
        this.ip = "127.0." + n + ".1";
        this.webPort = FreePorts.tcp(ip);
        this.gslbPort = FreePorts.udp(ip);
        for (int i = 0; i < 2; i++) {
            HttpServer s = HttpServer.create(new InetSocketAddress(ip, 0), 16);
            byte[] body = ("served by " + name + "\n").getBytes(StandardCharsets.UTF_8);
            s.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
            s.start();
            backends.add(s);
        }
    }

    public String vip() {
        return ip + ":" + webPort;
    }

    public String redirectBase() {
        return "http://" + vip();
    }

    /** This site's configuration, knowing all sites (itself included). */
    public String yaml(List<Site> all, String extraGslb) {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                listeners:
                  - name: web
                    bind: %s
                    routes:
                      - name: all
                        pool: app
                pools:
                  - name: app
                    passiveHealth:
                      consecutiveFailures: 1
                      ejectTime: 60s
                    backends:
                """.formatted(vip()));
        for (HttpServer b : backends) {
            sb.append("      - address: ").append(ip).append(':').append(b.getAddress().getPort()).append('\n');
            sb.append("        maxConnections: 50\n");
        }
        sb.append("sites:\n");
        for (Site s : all) {
            sb.append("  - name: ").append(s.name).append('\n');
            sb.append("    vips:\n");
            sb.append("      - address: ").append(s.vip()).append('\n');
            sb.append("        check: ").append(s.check).append('\n');
            if (s == this) {
                sb.append("        listener: web\n");
            }
        }
        sb.append("""
                gslb:
                  site: %s
                  bind: %s:%d
                  redirect:
                    enabled: %s
                    status: 307
                """.formatted(name, ip, gslbPort, redirect));
        sb.append(extraGslb);
        sb.append("  peers:\n");
        for (Site s : all) {
            if (s != this) {
                sb.append("    - site: ").append(s.name).append('\n');
                sb.append("      address: ").append(s.ip).append(':').append(s.gslbPort).append('\n');
                sb.append("      interval: 200ms\n");
                sb.append("      keyId: ").append(keyId(name, s.name)).append('\n');
                sb.append("      secret: ").append(secret(name, s.name)).append('\n');
            }
        }
        return sb.toString();
    }

    /** Loads the configuration through the real loader and starts proxy and service. */
    public void start(List<Site> all, String extraGslb) throws Exception {
        config = ConfigLoader.parse(yaml(all, extraGslb), name + ".yaml");
        proxy = new ProxyServer(config);
        proxy.start();
        service = new SiteStateService(proxy, events);
        service.start(config);
    }

    /** Reloads this site's configuration (proxy first, then the service, as the node does). */
    public void apply(List<Site> all, String extraGslb) throws Exception {
        applyYaml(yaml(all, extraGslb));
    }

    /** Reloads this configuration text. */
    public void applyYaml(String yaml) throws Exception {
        FulcrumConfig next = ConfigLoader.parse(yaml, name + ".yaml");
        proxy.apply(next);
        service.apply(next);
        config = next;
    }

    public SiteStateService service() {
        return service;
    }

    public FulcrumConfig config() {
        return config;
    }

    /** Stops every backend of this site (the proxy and service keep running). */
    public void killBackends() {
        for (HttpServer b : backends) {
            b.stop(0);
        }
    }

    /** Events of this kind in the site's log. */
    public List<Event> events(String kind) {
        return events.latest(EventLog.DEFAULT_CAPACITY).stream().filter(e -> e.kind().equals(kind)).toList();
    }

    @Override
    public void close() {
        if (service != null) {
            service.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        for (HttpServer b : backends) {
            b.stop(0);
        }
    }
}
