package io.fulcrum.app;

import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A change in each section of the configuration, reloaded in a real {@code fulcrum run}
 * process by each trigger (the file watcher, SIGHUP, the admin API), observed over the
 * network: dig sees the new DNS record, a VIP and an L4 listener added accept and removed
 * refuse, the L4 idle timeout closes an idle connection, the admin API answers on its new
 * address and not the old one, the backend sees HTTP/2, a PROXY header, a TLS ClientHello
 * and health checks once its pool asks for them, and a GSLB site's VIP gets checked. All
 * the while a bounded load runs through the HTTP listener and no request of it fails.
 *
 * <p>On the code before the one reload path, the DNS, virtual service, L4 timeout, admin
 * and pool protocol/PROXY/TLS changes were reported "unchanged" and never applied.
 */
class ReloadEverySectionTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String TOKEN = "reload-test-admin-token-0123456789";
    private static final Pattern RELOADED = Pattern.compile("reloaded \\S+ \\(");

    /** The ways a reload is asked for. */
    enum Trigger { FILE_WATCH, SIGHUP, ADMIN_API }

    @TempDir
    Path dir;

    /** Everything a step changes; the rest of the file stays the same. */
    record Knobs(String dnsValue, List<String> vips, List<Integer> l4Ports, String l4Idle, int adminPort,
                 String probeExtra, boolean gslb) {

        Knobs with(UnaryOperator<Knobs> f) {
            return f.apply(this);
        }
    }

    private int web;
    private int probe;
    private int dns;
    private int gslbPort;
    private NamedBackend one;
    private FirstBytesBackend probeBackend;
    private FirstBytesBackend remoteVip;

    private String yaml(Knobs k) {
        StringBuilder l4 = new StringBuilder();
        for (int port : k.l4Ports()) {
            l4.append("      - {port: ").append(port).append(", pool: app}\n");
        }
        String gslb = !k.gslb() ? "" : """
                sites:
                  - name: a
                    vips: [{address: "127.0.0.1:%d", listener: web, check: {type: tcp, interval: 200ms}}]
                  - name: b
                    vips: [{address: "%s", check: {type: tcp, interval: 200ms, timeout: 1s}}]
                gslb:
                  site: a
                  bind: 127.0.0.1:%d
                """.formatted(web, remoteVip.address(), gslbPort);
        return """
                server:
                  eventLoopThreads: 1
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes: [{name: all, pool: app}]
                  - name: probe
                    bind: 127.0.0.1:%d
                    routes: [{name: all, pool: probe}]
                pools:
                  - name: app
                    backends:
                      - {name: one, address: "%s"}
                  - name: probe
                %s    backends:
                      - {name: p, address: "%s"}
                %svirtualServices:
                  - name: tcp
                    vips: [%s]
                    listeners:
                %sdns:
                  listen: ["127.0.0.1:%d"]
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: hostmaster@example.test}
                      records:
                        - {name: www, type: A, value: %s}
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - {name: ops, role: admin, token: %s}
                %s""".formatted(web, probe, one.address(), k.probeExtra(), probeBackend.address(),
                k.l4Idle() == null ? "" : "l4Timeouts:\n  idle: " + k.l4Idle() + "\n",
                String.join(", ", k.vips()), l4, dns, k.dnsValue(), k.adminPort(), TOKEN, gslb);
    }

    @ParameterizedTest
    @EnumSource(Trigger.class)
    void aChangeInEachSectionIsAppliedWithNoFailedRequest(Trigger trigger) throws Exception {
        web = FreePorts.tcp();
        probe = FreePorts.tcp();
        dns = FreePorts.tcpAndUdp("127.0.0.1");
        gslbPort = FreePorts.udp("127.0.0.1");
        int l1 = FreePorts.tcp();
        int l2 = FreePorts.tcp();
        int admin1 = FreePorts.tcp();
        int admin2 = FreePorts.tcp();
        one = NamedBackend.start("one");
        probeBackend = FirstBytesBackend.start();
        remoteVip = FirstBytesBackend.start();
        Path file = dir.resolve("fulcrum.yaml");
        Knobs k = new Knobs("192.0.2.10", List.of("127.0.0.1"), List.of(l1), null, admin1, "", false);
        Files.writeString(file, yaml(k));
        Path pidFile = dir.resolve("fulcrum.pid");
        List<String> args = new java.util.ArrayList<>(List.of("run", "-c", file.toString(), "--pid-file",
                pidFile.toString()));
        if (trigger != Trigger.FILE_WATCH) {
            args.add("--no-watch");
        }
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
             FulcrumProcess p = FulcrumProcess.start(dir, args.toArray(String[]::new));
             Load load = new Load(http, web)) {
            await().atMost(LIMIT).until(() -> !p.isAlive() || get(http, web, "/").equals("200 one")
                    && Files.exists(pidFile));
            assertThat(p.isAlive()).as(p.stderr()).isTrue();
            Step step = new Step(trigger, file, p, http);
            load.start();

            // dns: a record's address.
            assertThat(dig("www.example.test")).isEqualTo("192.0.2.10");
            k = step.reload(k, k.with(x -> new Knobs("192.0.2.99", x.vips(), x.l4Ports(), x.l4Idle(),
                    x.adminPort(), x.probeExtra(), x.gslb())), "dns.zones[example.test].records");
            await().atMost(LIMIT).until(() -> dig("www.example.test").equals("192.0.2.99"));

            // virtualServices: a VIP and a listener added...
            assertThat(refuses("127.0.0.2", l1)).isTrue();
            k = step.reload(k, k.with(x -> new Knobs(x.dnsValue(), List.of("127.0.0.1", "127.0.0.2"),
                    List.of(l1, l2), x.l4Idle(), x.adminPort(), x.probeExtra(), x.gslb())),
                    "virtualServices[tcp].vips added [127.0.0.2]");
            assertThat(get(http, "127.0.0.2", l1, "/")).isEqualTo("200 one");
            assertThat(get(http, "127.0.0.1", l2, "/")).isEqualTo("200 one");
            // ...and removed: the old VIP and the old port refuse, what stays accepts.
            k = step.reload(k, k.with(x -> new Knobs(x.dnsValue(), List.of("127.0.0.2"), List.of(l2), x.l4Idle(),
                    x.adminPort(), x.probeExtra(), x.gslb())), "virtualServices[tcp].listeners removed [tcp/" + l1 + "]");
            await().atMost(LIMIT).until(() -> refuses("127.0.0.1", l2) && refuses("127.0.0.2", l1));
            assertThat(get(http, "127.0.0.2", l2, "/")).isEqualTo("200 one");

            // l4Timeouts: an idle timeout now closes an idle connection through the VIP.
            k = step.reload(k, k.with(x -> new Knobs(x.dnsValue(), x.vips(), x.l4Ports(), "1s", x.adminPort(),
                    x.probeExtra(), x.gslb())), "l4Timeouts.idle");
            assertThat(closedByProxyWhileIdle("127.0.0.2", l2)).isTrue();

            // admin: the API moves to its new address; the old one refuses.
            k = step.reload(k, k.with(x -> new Knobs(x.dnsValue(), x.vips(), x.l4Ports(), x.l4Idle(), admin2,
                    x.probeExtra(), x.gslb())), "admin.bind 127.0.0.1:");
            assertThat(get(http, admin2, "/metrics")).startsWith("200");
            await().atMost(LIMIT).until(() -> refuses("127.0.0.1", admin1));

            // pools: h2c, then a PROXY header, then TLS, then an active health check, seen by the backend.
            k = probeStep(step, http, k, "    protocol: h2c\n", "pools[probe].protocol changed",
                    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            k = probeStep(step, http, k, "    proxyProtocol: v1\n", "pools[probe].proxyProtocol changed",
                    "PROXY TCP4 127.0.0.1 127.0.0.1 ".getBytes(StandardCharsets.US_ASCII));
            k = probeStep(step, http, k, "    tls: {verify: false}\n", "pools[probe].tls set",
                    new byte[]{0x16, 0x03});
            probeBackend.clear();
            k = step.reload(k, k.with(x -> new Knobs(x.dnsValue(), x.vips(), x.l4Ports(), x.l4Idle(), x.adminPort(),
                    "    health:\n      checks:\n        - {type: {http: {path: /healthz}}, interval: 200ms, timeout: 1s}\n",
                    x.gslb())), "pools[probe].health");
            await().atMost(LIMIT).until(() -> probeBackend.sawStart("GET /healthz HTTP/1.1\r\n"));

            // gslb: this node joins as site a and checks site b's VIP.
            remoteVip.clear();
            assertThat(remoteVip.connections()).isZero();
            step.reload(k, k.with(x -> new Knobs(x.dnsValue(), x.vips(), x.l4Ports(), x.l4Idle(), x.adminPort(),
                    x.probeExtra(), true)), "gslb.site set");
            await().atMost(LIMIT).until(() -> remoteVip.connections() > 0);

            load.stop();
            assertThat(load.failures()).as(load.firstFailure()).isZero();
            assertThat(load.requests()).isPositive();
            assertThat(p.isAlive()).as(p.stderr()).isTrue();
        } finally {
            one.close();
            probeBackend.close();
            remoteVip.close();
        }
    }

    /** Sets the probe pool's extra settings to {@code extra} and waits for the backend to see {@code start}. */
    private Knobs probeStep(Step step, HttpClient http, Knobs k, String extra, String logged, byte[] start)
            throws Exception {
        Knobs next = step.reload(k, new Knobs(k.dnsValue(), k.vips(), k.l4Ports(), k.l4Idle(), k.adminPort(), extra,
                k.gslb()), logged);
        probeBackend.clear();
        await().atMost(LIMIT).untilAsserted(() -> {
            get(http, probe, "/"); // the answer does not matter (the backend speaks only HTTP/1.1 in clear)
            assertThat(probeBackend.sawStart(start)).as(probeBackend.seen().toString()).isTrue();
        });
        return next;
    }

    /** Writes a configuration, asks for the reload the way the test's trigger does, waits for the log line. */
    private final class Step {
        private final Trigger trigger;
        private final Path file;
        private final FulcrumProcess process;
        private final HttpClient http;
        private int reloads;

        Step(Trigger trigger, Path file, FulcrumProcess process, HttpClient http) {
            this.trigger = trigger;
            this.file = file;
            this.process = process;
            this.http = http;
        }

        Knobs reload(Knobs before, Knobs after, String logged) throws Exception {
            Path temp = file.resolveSibling(".fulcrum.yaml.tmp");
            Files.writeString(temp, yaml(after));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            switch (trigger) {
                case FILE_WATCH -> {
                }
                case SIGHUP -> {
                    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
                    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(kill.exitValue()).isZero();
                }
                case ADMIN_API -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + before.adminPort() + "/api/v1/reload"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(r.body()).contains("\"outcome\":\"applied\"").contains(logged);
                }
            }
            int expected = ++reloads;
            await().atMost(LIMIT).until(() -> count(RELOADED, process.stderr()) >= expected || !process.isAlive());
            String log = process.stderr();
            assertThat(count(RELOADED, log)).as(log).isEqualTo(expected);
            String last = log.substring(lastMatch(RELOADED, log));
            assertThat(last.lines().findFirst().orElse("")).contains(logged);
            return after;
        }
    }

    /** A bounded load through the HTTP listener: two clients, each request must answer 200 one. */
    private static final class Load implements AutoCloseable {
        private static final int MAX_REQUESTS = 20_000;
        private final HttpClient http;
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicReference<String> firstFailure = new AtomicReference<>("");
        private final List<Thread> threads = new java.util.ArrayList<>();

        Load(HttpClient http, int port) {
            this.http = http;
            this.port = port;
        }

        void start() {
            running.set(true);
            for (int i = 0; i < 2; i++) {
                threads.add(Thread.ofPlatform().daemon(true).name("reload-load-" + i).start(this::run));
            }
        }

        private void run() {
            while (running.get() && requests.incrementAndGet() <= MAX_REQUESTS) {
                String r = get(http, port, "/");
                if (!r.equals("200 one")) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet("", r);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }

        int requests() {
            return Math.min(requests.get(), MAX_REQUESTS);
        }

        int failures() {
            return failures.get();
        }

        String firstFailure() {
            return firstFailure.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    private static String get(HttpClient http, int port, String path) {
        return get(http, "127.0.0.1", port, path);
    }

    private static String get(HttpClient http, String host, int port, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static boolean refuses(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Opens a connection through the VIP, sends nothing, and tells whether the proxy closes it. */
    private static boolean closedByProxyWhileIdle(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout((int) LIMIT.toMillis());
            InputStream in = s.getInputStream();
            try {
                return in.read() == -1;
            } catch (java.net.SocketException e) {
                return true; // reset: closed as well
            }
        }
    }

    private String dig(String name) throws Exception {
        return Commands.dig("127.0.0.1", dns, name, "A");
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static int lastMatch(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int at = 0;
        while (m.find()) {
            at = m.start();
        }
        return at;
    }
}
