package io.fulcrum.gslb;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.gslb.site.ViewAnswers;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The site state is published as one snapshot: while a remote VIP flaps as fast as it is
 * checked, readers on other threads take snapshots and never see a mix of two moments (a
 * site in the hand-off shares that the same snapshot calls down, two snapshots of one
 * version that answer differently, a held snapshot that changes).
 */
class SiteStatePublicationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Verdict changes of b the readers must have seen each way. */
    private static final int FLIPS = 10;

    private HttpServer flapping;
    private final AtomicInteger requests = new AtomicInteger();
    private ProxyServer proxy;
    private SiteStateService service;
    private FulcrumConfig config;

    @BeforeEach
    void start() throws Exception {
        flapping = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        // Passes and fails in turn: with rise 1 and fall 1, b's verdict changes at every check.
        flapping.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(requests.incrementAndGet() % 2 == 0 ? 200 : 503, -1);
            ex.close();
        });
        flapping.start();
        int web = flapping.getAddress().getPort();
        config = ConfigLoader.parse("""
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - {name: all, pool: app}
                pools:
                  - name: app
                    backends:
                      - address: 127.0.0.1:%d
                sites:
                  - name: a
                    vips:
                      - address: 127.0.0.1:%d
                        check: {type: tcp, interval: 50ms}
                  - name: b
                    vips:
                      - address: 127.0.0.1:%d
                        check: {type: http, interval: 10ms, timeout: 1s, rise: 1, fall: 1}
                gslb:
                  site: a
                  bind: 127.0.0.1:%d
                  handoffWeights: [1]
                  peers:
                    # Nobody listens there: the UPDATEs only make a advertise (and use) its preference list.
                    - {site: b, address: "127.0.0.1:%d", interval: 20ms, secret: publication-test-secret-0123}
                """.formatted(FreePorts.tcp(), web, web, web, FreePorts.udp("127.0.0.1"), FreePorts.udp("127.0.0.1")),
                "a.yaml");
        proxy = new ProxyServer(config);
        proxy.start();
        service = new SiteStateService(proxy, new EventLog());
        service.start(config);
    }

    @AfterEach
    void stop() {
        service.close();
        proxy.close();
        flapping.stop(0);
    }

    @Test
    void readersOnOtherThreadsSeeWholeMomentsOnly() throws Exception {
        Map<Long, ViewAnswers> byVersion = new ConcurrentHashMap<>();
        List<String> mixes = new CopyOnWriteArrayList<>();
        AtomicInteger seenUp = new AtomicInteger();
        AtomicInteger seenDown = new AtomicInteger();
        AtomicInteger inShares = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                long lastVersion = -1;
                Boolean lastUp = null;
                for (int i = 0; i < 2_000_000 && !done.get(); i++) {
                    SiteStateView v = service.snapshot();
                    boolean up = v.siteUp("b");
                    if (v.handoffShares().containsKey("b")) {
                        inShares.incrementAndGet();
                        if (!up) {
                            mixes.add("b in the shares of a snapshot that has it down: " + v.handoffShares());
                        }
                    }
                    if (v.vipUp("b", "127.0.0.1") != up) {
                        mixes.add("b's only VIP and b disagree");
                    }
                    ViewAnswers answers = ViewAnswers.of(v, config.sites());
                    ViewAnswers earlier = byVersion.putIfAbsent(v.version(), answers);
                    if (earlier != null && !earlier.equals(answers)) {
                        mixes.add("version " + v.version() + " answered " + earlier + " and " + answers);
                    }
                    if (v.version() < lastVersion) {
                        mixes.add("the version went back from " + lastVersion + " to " + v.version());
                    }
                    lastVersion = v.version();
                    if (lastUp == null || lastUp != up) {
                        (up ? seenUp : seenDown).incrementAndGet();
                        lastUp = up;
                    }
                }
            }));
        }
        try {
            await().atMost(WAIT).until(() -> seenUp.get() >= FLIPS && seenDown.get() >= FLIPS || !mixes.isEmpty());
        } finally {
            done.set(true);
            for (Thread t : readers) {
                t.join();
            }
        }
        assertThat(mixes).isEmpty();
        assertThat(seenUp.get()).isGreaterThanOrEqualTo(FLIPS);
        assertThat(seenDown.get()).isGreaterThanOrEqualTo(FLIPS);
        assertThat(inShares.get()).as("snapshots with b in the hand-off table").isPositive();
    }

    @Test
    void aHeldSnapshotKeepsItsAnswersWhileNewerOnesArePublished() {
        await().atMost(WAIT).until(() -> service.snapshot().handoffShares().containsKey("b"));
        SiteState held = service.snapshot();
        ViewAnswers before = ViewAnswers.of(held, config.sites());
        boolean up = held.siteUp("b");
        long version = held.version();
        // b flips at every check: wait for the published state to say the opposite.
        await().atMost(WAIT).until(() -> service.siteUp("b") != up && service.version() > version);
        assertThat(held.siteUp("b")).isEqualTo(up);
        assertThat(held.version()).isEqualTo(version);
        assertThat(ViewAnswers.of(held, config.sites())).isEqualTo(before);
    }
}
