package io.fulcrum.app.scale;

import io.fulcrum.app.demo.DemoConfiguration;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.event.Event;
import io.fulcrum.scale.ScaleService;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The autoscaler with the shipped {@code process} provisioner starting real backend processes
 * ({@code fulcrum demo-backend}, one JVM each) behind a real node, under a real HTTP load (bounded in
 * rate, count and time): the pool grows with the load up to max, shrinks by draining down to min
 * when it ends, a sticky client keeps its member until its entry expires, no idempotent request
 * fails on the way, the cooldown separates the actions, and a dry run starts nothing.
 */
class AutoscaleProcessTest {

    @TempDir
    Path dir;

    private static final Duration COOLDOWN = Duration.ofSeconds(1);

    /** Pool web: one backend of the file, and members the process provisioner starts, tracking 15 req/s each. */
    private String config(int port, String fileBackend, boolean dryRun) throws Exception {
        return """
                server:
                  shutdownGrace: 200ms
                  stickyPurgeInterval: 200ms   # expired entries go, and drained members are seen, within 200 ms
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - name: sticky
                        match: {pathPrefix: /sticky}
                        pool: web
                        stickiness: {enabled: true, mode: cookie, cookieName: SCALE_TEST, timeout: 2s}
                      - name: all
                        pool: web
                pools:
                  - name: web
                    health:
                      checks:
                        - type: {http: {path: /health}}
                          interval: 300ms
                          timeout: 1s
                          rise: 1
                          fall: 2
                      slowStart: 1s
                    autoscale:
                      provisioner:
                        process:
                          command: %s
                      metric: requestsPerBackend
                      target: 15
                      min: 1
                      max: 3
                      interval: 500ms
                      cooldown: %dms
                      stabilization: {up: 1s, down: 2s}
                      drainTimeout: 30s
                      startTimeout: 60s
                      dryRun: %s
                    backends:
                      - name: base
                        address: %s
                """.formatted(port, DemoConfiguration.yamlList(DemoConfiguration.memberCommand(dir)), COOLDOWN.toMillis(), dryRun, fileBackend);
    }

    private static Map<String, Object> status(FulcrumNode node) {
        @SuppressWarnings("unchecked")
        Map<String, Object> pools = (Map<String, Object>) node.service(ScaleService.class).scaleStatus().get("pools");
        @SuppressWarnings("unchecked")
        Map<String, Object> web = (Map<String, Object>) pools.get("web");
        return web == null ? Map.of() : web;
    }

    private static int current(FulcrumNode node) {
        Object c = status(node).get("current");
        return c == null ? -1 : (Integer) c;
    }

    private static List<Backend> members(FulcrumNode node) {
        return node.proxy().runtime().pools().get("web").backends().stream()
                .filter(b -> !b.name().equals("base")).toList();
    }

    @Test
    void theLoadGrowsThePoolToMaxItsEndShrinksItByDrainingToMinAndNoRequestFails() throws Exception {
        int port = FreePorts.tcp();
        URI proxy = URI.create("http://127.0.0.1:" + port + "/");
        try (NamedBackend base = NamedBackend.start("base");
             FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(config(port, base.address(), false), "s.yaml"),
                     null)) {
            node.start();
            // Watch the size on every tick of the test: it must never leave min..max.
            Set<Integer> sizesSeen = ConcurrentHashMap.newKeySet();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = Thread.ofVirtual().start(() -> {
                while (watching.get()) {
                    sizesSeen.add(node.proxy().runtime().pools().get("web").backends().size());
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> current(node) == 1);

            // A load of about 90 req/s asks for 6 members: the pool grows to max 3 and no further.
            PacedLoad load = PacedLoad.start(proxy, 6, 15, Duration.ofSeconds(90), 20_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> current(node) == 3
                    && members(node).stream().allMatch(b -> b.state() == BackendState.UP));
            Thread.sleep(2000); // more decisions at the same load: still 3
            assertThat(current(node)).isEqualTo(3);
            assertThat(ScaleEvents.of(node, "scale.member.added")).hasSize(2);
            assertThat(load.byBackend().keySet()).as("the new members serve").hasSizeGreaterThanOrEqualTo(3);

            // A sticky client on one of the started members.
            CookieManager cookies = new CookieManager();
            HttpClient sticky = HttpClient.newBuilder().cookieHandler(cookies).build();
            String pinned = null;
            for (int i = 0; i < 40 && pinned == null; i++) {
                cookies.getCookieStore().removeAll();
                String b = backendOf(sticky, proxy.resolve("/sticky"));
                if (!b.equals("base")) {
                    pinned = b;
                }
            }
            assertThat(pinned).as("a sticky session on a started member").isNotNull();
            String pinnedMember = pinned;
            AtomicReference<String> stickyWrong = new AtomicReference<>();
            AtomicInteger stickyAnswers = new AtomicInteger();
            AtomicBoolean stickyGoes = new AtomicBoolean(true);
            Thread stickyClient = Thread.ofVirtual().start(() -> {
                while (stickyGoes.get()) {
                    try {
                        String b = backendOf(sticky, proxy.resolve("/sticky"));
                        stickyAnswers.incrementAndGet();
                        if (!b.equals(pinnedMember)) {
                            stickyWrong.compareAndSet(null, b);
                        }
                        Thread.sleep(300);
                    } catch (Exception e) {
                        stickyWrong.compareAndSet(null, e.toString());
                        return;
                    }
                }
            });

            // The load ends: the pool shrinks by draining. The sticky member is drained last (it is the busiest),
            // and keeps its client while the client keeps coming.
            load.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> drainingNow(node).contains(pinnedMember));
            Thread.sleep(3000); // longer than the sticky timeout: the client's use keeps its entry alive
            assertThat(drainingNow(node)).contains(pinnedMember);
            assertThat(stickyWrong.get()).as("the sticky client stays on its member while it drains").isNull();
            stickyGoes.set(false);
            stickyClient.join();
            // Its entry expires 2 s after its last use: then the member is drained, removed and stopped.
            await().atMost(Duration.ofSeconds(30)).until(() -> current(node) == 1 && members(node).isEmpty());
            Event drained = ScaleEvents.of(node, "scale.in.drained").stream()
                    .filter(e -> e.subject().equals("web/" + pinnedMember)).findFirst().orElseThrow();
            assertThat(drained.reason()).startsWith("no sticky sessions and no requests left");
            await().atMost(Duration.ofSeconds(30)).until(() -> ScaleEvents.of(node, "scale.member.stopped").size() == 2);
            watching.set(false);
            watcher.join();

            assertThat(load.failed()).as("failed requests: %s", load.failures()).isZero();
            assertThat(load.ok()).isGreaterThan(300);
            assertThat(stickyAnswers.get()).isGreaterThan(5);
            assertThat(sizesSeen).as("pool sizes seen").allMatch(n -> n >= 1 && n <= 3);
            assertCooldownBetweenActions(node);
            // The stopped members' processes are gone: nothing listens on their ports any more.
            for (Event added : ScaleEvents.of(node, "scale.member.added")) {
                String address = added.reason().replaceFirst("^started at (\\S+).*$", "$1");
                assertThat(accepts(address)).as("%s still accepts connections", address).isFalse();
            }
        }
    }

    @Test
    void aDryRunDecidesAndTellsButStartsNothing() throws Exception {
        int port = FreePorts.tcp();
        URI proxy = URI.create("http://127.0.0.1:" + port + "/");
        try (NamedBackend base = NamedBackend.start("base");
             FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(config(port, base.address(), true), "s.yaml"),
                     null)) {
            Set<Long> before = memberProcesses();
            node.start(); // before the load: requests to a proxy not listening yet would fail
            PacedLoad load = PacedLoad.start(proxy, 4, 15, Duration.ofSeconds(30), 5_000);
            await().atMost(Duration.ofSeconds(20)).until(() -> ScaleEvents.firstGrowth(node).isPresent());
            Event d = ScaleEvents.firstGrowth(node).orElseThrow();
            assertThat(d.reason()).startsWith("dry run, nothing done: scale out by 1");
            assertThat(d.details()).containsEntry("dryRun", "true");
            Thread.sleep(2000);
            assertThat(ScaleEvents.of(node, "scale.out.starting")).isEmpty();
            assertThat(node.proxy().runtime().pools().get("web").backends()).extracting(Backend::name)
                    .containsExactly("base");
            assertThat(memberProcesses()).as("member processes started by this test").isSubsetOf(before);
            load.close();
            assertThat(load.failed()).as("%s", load.failures()).isZero();
        }
    }

    /** Each action starts at least a cooldown after the previous one ended (its last start, or its last stop). */
    private static void assertCooldownBetweenActions(FulcrumNode node) {
        List<Event> all = node.events().latest(5000);
        Instant lastEnd = null;
        List<String> checked = new ArrayList<>();
        for (Event e : all) {
            switch (e.kind()) {
                case "scale.out.starting", "scale.in.draining" -> {
                    if (lastEnd != null) {
                        assertThat(Duration.between(lastEnd, e.time())).as("%s after the previous action", e.kind())
                                .isGreaterThanOrEqualTo(COOLDOWN);
                        checked.add(e.kind());
                    }
                }
                case "scale.member.added", "scale.member.stopped" -> lastEnd = e.time();
                default -> {
                }
            }
        }
        assertThat(checked).as("actions that followed another").hasSizeGreaterThanOrEqualTo(3);
    }

    /** The processes of this JVM that run a demo backend. */
    private static Set<Long> memberProcesses() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("demo-backend"))
                .map(ProcessHandle::pid).collect(java.util.stream.Collectors.toSet());
    }

    private static Set<String> drainingNow(FulcrumNode node) {
        Set<String> out = new java.util.HashSet<>();
        for (Backend b : members(node)) {
            if (b.state() == BackendState.DRAINING) {
                out.add(b.name());
            }
        }
        return out;
    }

    private static String backendOf(HttpClient client, URI url) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("X-Backend").orElse(r.body().strip());
    }

    private static boolean accepts(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                    1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
