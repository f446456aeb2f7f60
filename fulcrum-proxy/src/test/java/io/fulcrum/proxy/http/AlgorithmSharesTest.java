package io.fulcrum.proxy.http;

import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HashKeyConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.single;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The share of requests each backend gets follows the weights, for every balancing
 * algorithm, measured end to end: real clients (raw sockets, many client IPs),
 * the real proxy, real backends counting what they receive.
 *
 * <p>Deterministic algorithms (round robin and its weighted forms, locality) are held
 * to exact counts and sequences. Random and hashing algorithms are held to a bound of
 * five standard deviations of the share they are expected to give, which a correct
 * balancer leaves about once in 1.7 million checks (and the hashing ones, whose keys and
 * backend names are fixed here, are deterministic anyway), while a balancer that
 * ignores the weights (a third each) is well outside every bound. Load-following
 * algorithms are measured under concurrent load against equally slow backends; their
 * tolerance is argued where it is used.
 *
 * <p>In every pool a backend of weight 0 sits among the others and must receive nothing.
 */
class AlgorithmSharesTest {

    private static final String POOL = "p";
    /** Upper bound for any one load phase; a phase that does not finish in time fails the test. */
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(20);

    /** Weights 1, 2, 3, with a weight-0 backend between them (list order matters to WRR). */
    private static final List<W> ONE_TWO_THREE = List.of(new W("a", 1), new W("zero", 0), new W("b", 2),
            new W("c", 3));
    private static final Map<String, Double> ONE_TWO_THREE_SHARES = Map.of("a", 1 / 6.0, "b", 2 / 6.0,
            "c", 3 / 6.0);

    private final ProxyFixture f = new ProxyFixture();
    private final Map<String, TestBackend> backends = new LinkedHashMap<>();

    private record W(String name, int weight) {
    }

    @AfterEach
    void stop() {
        f.close();
    }

    // ---- deterministic: exact counts and sequences ----------------------------------------------

    @Test
    void roundRobinSplitsExactlyEvenlyAndSkipsWeightZero() throws Exception {
        start("round-robin", null, List.of(new W("a", 1), new W("zero", 0), new W("b", 1), new W("c", 1)));

        List<String> seq = sequential(30);
        // Every member in turn, in list order (weight 0 is not a member).
        assertThat(seq).containsExactlyElementsOf(repeat(List.of("a", "b", "c"), 10));

        // Under concurrency every pick is still one ticket of a shared counter: exact thirds.
        Map<String, Integer> counts = load(12, 50);
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 200, "b", 200, "c", 200));
        assertBackendsSaw(Map.of("a", 210, "b", 210, "c", 210, "zero", 0));
    }

    @Test
    void weightedRoundRobinServesWholeCyclesInExactRatio() throws Exception {
        start("weighted-round-robin", null, ONE_TWO_THREE);

        // Descending eligible weights over a, b, c (1, 2, 3): eligible 3 -> c; 2 -> b c; 1 -> a b c.
        List<String> seq = sequential(60);
        assertThat(seq).containsExactlyElementsOf(repeat(List.of("c", "b", "c", "a", "b", "c"), 10));

        Map<String, Integer> counts = load(12, 50); // 600 picks = 100 whole cycles
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 100, "b", 200, "c", 300));
        assertBackendsSaw(Map.of("a", 110, "b", 220, "c", 330, "zero", 0));
    }

    @Test
    void smoothWeightedRoundRobinServesWholeCyclesInExactRatio() throws Exception {
        start("smooth-weighted-round-robin", null, ONE_TWO_THREE);

        // NGINX smooth WRR, weights 1, 2, 3 (current values after adding the weights; the winner loses 6):
        // [1,2,3]->c  [2,4,0]->b  [3,0,3]->a (tie, first)  [-2,2,6]->c  [-1,4,3]->b  [0,0,6]->c
        List<String> seq = sequential(60);
        assertThat(seq).containsExactlyElementsOf(repeat(List.of("c", "b", "a", "c", "b", "c"), 10));

        Map<String, Integer> counts = load(12, 50);
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 100, "b", 200, "c", 300));
        assertBackendsSaw(Map.of("a", 110, "b", 220, "c", 330, "zero", 0));
    }

    @Test
    void localityPrefersSameHostThenSameSiteThenAnyAndWeighsWithinALevel() throws Exception {
        // This node is host node-a in site site-a (TestConfigs.server()). The remote backend comes first
        // in the list and has the largest weight, so neither list order nor weight explains a preference.
        List<BackendConfig> cfg = List.of(
                located("remote", 5, "site-b", "node-x"),
                located("site-b1", 1, "site-a", "node-b"),
                located("local", 1, "site-a", "node-a"),
                located("local-zero", 0, "site-a", "node-a"),
                located("site-b2", 2, "site-a", "node-c"));
        f.start(single(pool(POOL, "locality-weighted-round-robin", cfg)));

        assertThat(sequential(60)).containsOnly("local").hasSize(60);

        backends.get("local").kill();
        f.proxy().backend(POOL, "local").setState(BackendState.DOWN);
        // Same site: WRR over site-b1 (1) and site-b2 (2): eligible 2 -> b2; 1 -> b1 b2.
        assertThat(sequential(60)).containsExactlyElementsOf(repeat(List.of("site-b2", "site-b1", "site-b2"), 20));

        backends.get("site-b1").kill();
        f.proxy().backend(POOL, "site-b1").setState(BackendState.DOWN);
        assertThat(sequential(30)).containsOnly("site-b2").hasSize(30);

        backends.get("site-b2").kill();
        f.proxy().backend(POOL, "site-b2").setState(BackendState.DOWN);
        assertThat(sequential(30)).containsOnly("remote").hasSize(30);

        assertBackendsSaw(Map.of("local", 60, "site-b1", 20, "site-b2", 70, "remote", 30, "local-zero", 0));
    }

    // ---- random ---------------------------------------------------------------------------------

    @Test
    void randomFollowsWeights() throws Exception {
        start("random", null, ONE_TWO_THREE);
        int n = 3000;
        Map<String, Integer> counts = load(12, n / 12);
        assertSharesWithin(counts, n, ONE_TWO_THREE_SHARES, p -> fiveSigma(p, n));
        assertBackendsSaw(Map.of("zero", 0));
    }

    // ---- hashing --------------------------------------------------------------------------------

    @Test
    void sourceIpHashFollowsWeightsAndKeepsEachClientOnOneBackend() throws Exception {
        start("source-ip-hash", null, ONE_TWO_THREE);
        int n = 1200;
        List<String> ips = clientIps(n);
        // Each address: one connection, two requests (same backend on the same connection).
        Map<String, String> first = fromAddresses(ips, 2);
        assertSharesWithin(tally(first), n, ONE_TWO_THREE_SHARES, p -> fiveSigma(p, n));

        // Later, on new connections, in another order: every address lands where it did.
        List<String> some = new ArrayList<>(ips.subList(0, 300));
        Collections.reverse(some);
        Map<String, String> again = fromAddresses(some, 3);
        some.forEach(ip -> assertThat(again.get(ip)).as("backend of client %s", ip).isEqualTo(first.get(ip)));
        assertBackendsSaw(Map.of("zero", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maglev", "ring-hash"})
    void headerKeyFollowsWeightsAndKeepsEachValueOnOneBackend(String algorithm) throws Exception {
        start(algorithm, new HashKeyConfig("header", "X-User"), ONE_TWO_THREE);
        int n = 3000;
        List<String> users = IntStream.range(0, n).mapToObj(i -> "user-" + i).toList();
        Map<String, String> first = keyed(users, "127.0.0.2", u -> "X-User: " + u + "\r\n");
        assertSharesWithin(tally(first), n, ONE_TWO_THREE_SHARES, p -> hashBound(algorithm, p, n));

        // The same value, from another client IP, in reverse order, with other headers around it: same backend.
        List<String> some = new ArrayList<>(users.subList(0, 1000));
        Collections.reverse(some);
        Map<String, String> again = keyed(some, "127.0.0.3",
                u -> "X-Other: " + u.hashCode() + "\r\nX-User: " + u + "\r\nCookie: uid=zz\r\n");
        some.forEach(u -> assertThat(again.get(u)).as("backend of %s", u).isEqualTo(first.get(u)));
        assertBackendsSaw(Map.of("zero", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maglev", "ring-hash"})
    void cookieKeyFollowsWeightsAndKeepsEachValueOnOneBackend(String algorithm) throws Exception {
        start(algorithm, new HashKeyConfig("cookie", "uid"), ONE_TWO_THREE);
        int n = 2000;
        List<String> users = IntStream.range(0, n).mapToObj(i -> "u" + i).toList();
        Map<String, String> first = keyed(users, "127.0.0.4", u -> "Cookie: theme=dark; uid=" + u + "; lang=en\r\n");
        assertSharesWithin(tally(first), n, ONE_TWO_THREE_SHARES, p -> hashBound(algorithm, p, n));

        // Other cookies, another position, quoting, another client IP: only uid's value counts.
        List<String> some = new ArrayList<>(users.subList(0, 600));
        Collections.reverse(some);
        Map<String, String> again = keyed(some, "127.0.0.5",
                u -> "Cookie: uid=\"" + u + "\"; theme=" + u.hashCode() + "\r\nX-User: someone\r\n");
        some.forEach(u -> assertThat(again.get(u)).as("backend of %s", u).isEqualTo(first.get(u)));
        assertBackendsSaw(Map.of("zero", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maglev", "ring-hash"})
    void clientIpKeyFollowsWeightsAndKeepsEachClientOnOneBackend(String algorithm) throws Exception {
        start(algorithm, HashKeyConfig.clientIp(), ONE_TWO_THREE);
        int n = 1200;
        List<String> ips = clientIps(n);
        Map<String, String> first = fromAddresses(ips, 2);
        assertSharesWithin(tally(first), n, ONE_TWO_THREE_SHARES, p -> hashBound(algorithm, p, n));

        List<String> some = new ArrayList<>(ips.subList(0, 300));
        Collections.reverse(some);
        Map<String, String> again = fromAddresses(some, 3);
        some.forEach(ip -> assertThat(again.get(ip)).as("backend of client %s", ip).isEqualTo(first.get(ip)));
        assertBackendsSaw(Map.of("zero", 0));
    }

    // ---- load-following -------------------------------------------------------------------------

    /**
     * With every backend equally slow (30 ms) and 24 clients each sending the next request as soon
     * as the last is answered, a load-following algorithm keeps the requests in flight per unit of
     * weight level: 4, 8 and 12 in flight on weights 1, 2, 3. Equal latency turns that into
     * throughput, so the shares follow the weights.
     *
     * <p>Tolerance, 4 percentage points. The ideal split is exact; what moves it is systematic,
     * not sampling noise: the first round is split before any load is seen and the last one drains
     * unevenly (a round is 1% of the 2400 requests); a request is not in flight on a backend while
     * it is on the client or on the proxy's event loops, so the effective concurrency is a little
     * under 24 and rounds differently (23 gives 3.8/7.7/11.5); least-response-time ranks by
     * (in flight + 1) / weight, whose ideal split is 3.5/8/12.5 of 24 (14.6/33.3/52.1%); and the
     * three backends' latencies differ by scheduling jitter on a busy two-core machine. Each is
     * worth about 1 to 2 points, and measured on a two-core machine every share was within 0.6
     * points of its weight. A balancer that ignored the weights (a third each) is 17 points off.
     */
    @ParameterizedTest
    @ValueSource(strings = {"least-connections", "least-response-time", "power-of-two"})
    void loadFollowingAlgorithmsFollowWeightsUnderConcurrentLoad(String algorithm) throws Exception {
        start(algorithm, null, ONE_TWO_THREE);
        backends.values().forEach(b -> b.delay(30));
        int clients = 24;
        int perClient = 100;
        Map<String, Integer> counts = load(clients, perClient);
        assertSharesWithin(counts, clients * perClient, ONE_TWO_THREE_SHARES, p -> 0.04);
        assertBackendsSaw(Map.of("zero", 0));
    }

    @Test
    void powerOfTwoOnAnIdlePoolSharesByWeight() throws Exception {
        // One request at a time: every candidate has nothing in flight, the tie keeps the first draw,
        // which is drawn by weight. So the shares are those of weighted random.
        start("power-of-two", null, ONE_TWO_THREE);
        int n = 2000;
        Map<String, Integer> counts = new HashMap<>();
        sequential(n).forEach(name -> counts.merge(name, 1, Integer::sum));
        assertSharesWithin(counts, n, ONE_TWO_THREE_SHARES, p -> fiveSigma(p, n));
        assertBackendsSaw(Map.of("zero", 0));
    }

    @Test
    void leastResponseTimeAvoidsASlowBackend() throws Exception {
        start("least-response-time", null, List.of(new W("slow", 1), new W("zero", 0), new W("fast1", 1),
                new W("fast2", 1)));
        backends.get("slow").delay(100);
        backends.get("fast1").delay(5);
        backends.get("fast2").delay(5);
        int clients = 24;
        int perClient = 60;
        Map<String, Integer> counts = load(clients, perClient);
        int total = clients * perClient;
        // Equal weights: round robin would give each a third. Once sampled, the slow backend costs 20x
        // as much per request in flight, so it is picked only while a fast one has ~20 in flight
        // (never with 24 clients over two fast backends), plus its initial probes.
        assertThat(counts.getOrDefault("slow", 0)).as("slow backend's requests in %s", counts)
                .isLessThan(total / 10);
        assertThat(counts.get("fast1") + counts.get("fast2")).isGreaterThan(total * 9 / 10);
        // The two fast ones share about evenly.
        assertThat(Math.abs(counts.get("fast1") - counts.get("fast2"))).as("fast split %s", counts)
                .isLessThan(total / 5);
        assertBackendsSaw(Map.of("zero", 0));
    }

    // ---- set-up ---------------------------------------------------------------------------------

    private void start(String algorithm, HashKeyConfig key, List<W> ws) throws IOException {
        List<BackendConfig> cfg = new ArrayList<>();
        for (W w : ws) {
            TestBackend b = f.backend(w.name());
            backends.put(w.name(), b);
            cfg.add(backend(b, w.weight()));
        }
        f.start(single(pool(POOL, algorithm, key, cfg)));
    }

    private BackendConfig located(String name, int weight, String site, String host) {
        TestBackend b = f.backend(name);
        backends.put(name, b);
        return new BackendConfig(name, HostPort.parse(b.address()), weight, null, site, host, null, null);
    }

    // ---- clients --------------------------------------------------------------------------------

    /** One GET; returns the name of the backend that answered. */
    private static String fetch(RawHttp c, String extraHeaders) throws IOException {
        RawHttp.Response r = c.send("GET /share HTTP/1.1\r\nHost: shares.test\r\n" + extraHeaders + "\r\n").read();
        assertThat(r.status()).as("status (body %s)", r.body()).isEqualTo(200);
        assertThat(r.header("x-backend")).isEqualTo(r.body());
        return r.body();
    }

    /** {@code n} requests one after the other on one keep-alive connection, in order. */
    private List<String> sequential(int n) throws IOException {
        List<String> seen = new ArrayList<>(n);
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        try (RawHttp c = new RawHttp(f.address())) {
            for (int i = 0; i < n; i++) {
                assertThat(System.nanoTime() - deadline).as("sequential phase overran").isNegative();
                seen.add(fetch(c, ""));
            }
        }
        return seen;
    }

    /**
     * {@code clients} keep-alive connections, opened first, then all at once each sending
     * {@code perClient} requests back to back. Returns the answers per backend.
     */
    private Map<String, Integer> load(int clients, int perClient) throws Exception {
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                ex.submit(() -> {
                    try (RawHttp c = new RawHttp(f.address())) {
                        connected.countDown();
                        go.await();
                        for (int k = 0; k < perClient; k++) {
                            if (System.nanoTime() - deadline > 0) {
                                throw new AssertionError("load phase overran " + PHASE_LIMIT);
                            }
                            counts.computeIfAbsent(fetch(c, ""), x -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    } finally {
                        connected.countDown(); // harmless extra count-down when connecting failed
                    }
                    return null;
                });
            }
            connected.await();
            go.countDown();
        }
        assertNoErrors(errors);
        Map<String, Integer> result = new TreeMap<>();
        counts.forEach((k, v) -> result.put(k, v.get()));
        assertThat(result.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(clients * perClient);
        return result;
    }

    /**
     * For each key, one request carrying it (the headers {@code headers} makes), over four parallel
     * keep-alive connections from {@code localAddress}. Returns key -> backend.
     */
    private Map<String, String> keyed(List<String> keys, String localAddress, Function<String, String> headers)
            throws Exception {
        int connections = 4;
        Map<String, String> result = new ConcurrentHashMap<>();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < connections; t++) {
                int slice = t;
                ex.submit(() -> {
                    try (RawHttp c = new RawHttp(f.address(), localAddress)) {
                        for (int i = slice; i < keys.size(); i += connections) {
                            if (System.nanoTime() - deadline > 0) {
                                throw new AssertionError("keyed phase overran " + PHASE_LIMIT);
                            }
                            String key = keys.get(i);
                            result.put(key, fetch(c, headers.apply(key)));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                    return null;
                });
            }
        }
        assertNoErrors(errors);
        assertThat(result).hasSize(keys.size());
        return result;
    }

    /**
     * For each client address: a new connection from it, {@code requests} requests on it (which must
     * all reach the same backend), closed. Eight addresses at a time. Returns address -> backend.
     */
    private Map<String, String> fromAddresses(List<String> ips, int requests) throws Exception {
        int parallel = 8;
        Map<String, String> result = new ConcurrentHashMap<>();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < parallel; t++) {
                int slice = t;
                ex.submit(() -> {
                    try {
                        for (int i = slice; i < ips.size(); i += parallel) {
                            if (System.nanoTime() - deadline > 0) {
                                throw new AssertionError("client-address phase overran " + PHASE_LIMIT);
                            }
                            String ip = ips.get(i);
                            try (RawHttp c = new RawHttp(f.address(), ip)) {
                                String first = fetch(c, "");
                                for (int k = 1; k < requests; k++) {
                                    assertThat(fetch(c, "")).as("request %d from %s", k, ip).isEqualTo(first);
                                }
                                result.put(ip, first);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                    return null;
                });
            }
        }
        assertNoErrors(errors);
        assertThat(result).hasSize(ips.size());
        return result;
    }

    /** {@code n} distinct loopback addresses, 127.0.1.1 upward (Linux routes all of 127/8 to lo). */
    private static List<String> clientIps(int n) {
        return IntStream.range(0, n).mapToObj(i -> "127.0." + (1 + i / 250) + "." + (1 + i % 250)).toList();
    }

    // ---- assertions -----------------------------------------------------------------------------

    private static void assertNoErrors(Queue<Throwable> errors) {
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(errors.size() + " client(s) failed; first: " + errors.peek(),
                    errors.peek());
            errors.stream().skip(1).limit(3).forEach(e::addSuppressed);
            throw e;
        }
    }

    private static Map<String, Integer> tally(Map<String, String> byKey) {
        Map<String, Integer> counts = new TreeMap<>();
        byKey.values().forEach(b -> counts.merge(b, 1, Integer::sum));
        return counts;
    }

    /** Each named backend's share of {@code total} is within its tolerance; nobody else got anything. */
    private static void assertSharesWithin(Map<String, Integer> counts, int total, Map<String, Double> expected,
                                           java.util.function.DoubleUnaryOperator tolerance) {
        assertThat(counts.keySet()).as("backends that answered: %s", counts).isSubsetOf(expected.keySet());
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
        expected.forEach((name, p) -> {
            double share = counts.getOrDefault(name, 0) / (double) total;
            double tol = tolerance.applyAsDouble(p);
            assertThat(share).as("share of %s (expected %.3f +- %.3f) in %s", name, p, tol, counts)
                    .isBetween(p - tol, p + tol);
        });
    }

    /** What each backend itself received (exact), checked against the test backends' own counters. */
    private void assertBackendsSaw(Map<String, Integer> expected) {
        expected.forEach((name, n) ->
                assertThat(backends.get(name).requests()).as("requests received by %s", name).isEqualTo(n));
    }

    /** Five standard deviations of a share p estimated from n independent draws. */
    private static double fiveSigma(double p, int n) {
        return 5 * Math.sqrt(p * (1 - p) / n);
    }

    /**
     * Five standard deviations for a hashing algorithm's share. Maglev apportions its 65537 slots
     * exactly by weight (within a slot), so only the keys' sampling varies. A ring's owners' arcs
     * are themselves random: with M points placed uniformly, the share of a backend holding a
     * fraction p of them is Beta-distributed with variance p(1-p)/(M+1) (M = 160 replicas x total
     * weight 6 = 960 by default), added to the keys' sampling variance.
     */
    private static double hashBound(String algorithm, double p, int n) {
        double var = p * (1 - p) / n;
        if (algorithm.equals("ring-hash")) {
            var += p * (1 - p) / (160 * 6 + 1);
        }
        return 5 * Math.sqrt(var);
    }

    private static List<String> repeat(List<String> cycle, int times) {
        List<String> out = new ArrayList<>(cycle.size() * times);
        for (int i = 0; i < times; i++) {
            out.addAll(cycle);
        }
        return out;
    }
}
