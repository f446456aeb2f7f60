package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Least connections, least response time and power of two choices. */
class LeastLoadTest {

    private static void load(Backend b, int requests) {
        for (int i = 0; i < requests; i++) {
            b.requestStarted();
        }
    }

    @Test
    void leastConnectionsPicksFewestActivePerWeight() {
        List<Backend> pool = Pools.backends(1, 4, 2);
        load(pool.get(0), 2); // 2/1
        load(pool.get(1), 6); // 1.5
        load(pool.get(2), 4); // 2
        LoadBalancer lb = Pools.create("least-connections", pool);
        for (int i = 0; i < 20; i++) {
            assertThat(lb.pick(new TestContext())).isSameAs(pool.get(1));
        }
        Pools.eject(pool.get(1));
        assertThat(lb.pick(new TestContext())).isIn(pool.get(0), pool.get(2));
    }

    @Test
    void leastConnectionsSharesTiesBetweenEqualBackends() {
        List<Backend> pool = Pools.backends(1, 1, 1, 1);
        LoadBalancer lb = Pools.create("least-connections", pool);
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            counts[lb.pick(new TestContext()).index()]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(800, 1200);
        }
    }

    @Test
    void leastConnectionsSkipsFullBackendEvenIfIdlest() {
        List<Backend> pool = Pools.backends(1, 1);
        pool.get(0).setMaxConnections(1);
        load(pool.get(0), 1);
        load(pool.get(1), 10);
        assertThat(Pools.create("least-connections", pool).pick(new TestContext())).isSameAs(pool.get(1));
    }

    /**
     * Above {@link LeastConnections#WINDOW} (least response time:
     * {@link LeastResponseTime#WINDOW}) members a pick compares a window of them
     * starting at a member drawn by weight; loads must still track weights closely.
     * Requests start on every pick and random in-flight requests finish, keeping
     * about 10 per unit of weight in flight. Measured: the worst backend's distance
     * from its weighted share of the load, in requests per unit of its weight (what
     * weighted least connections equalises; an exact scan keeps it near 1 / weight).
     * The windows stay within 3, weighted random (which ignores load) strays to 6-13.
     */
    @Test
    void largePoolsStayBalancedThroughTheWindow() {
        int[] mixed = new int[100];
        java.util.Random wr = new java.util.Random(5);
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = 1 + wr.nextInt(20);
        }
        int[] skewed = new int[100];
        java.util.Arrays.fill(skewed, 2);
        skewed[37] = 250; // needs 56% of the load: far more than a uniformly placed window would give it
        for (int[] weights : List.of(mixed, skewed)) {
            double random = worstDeviation("random", weights);
            for (String name : List.of("least-connections", "least-response-time")) {
                double worst = worstDeviation(name, weights);
                assertThat(worst).as(name + " vs random " + random).isLessThanOrEqualTo(3.0).isLessThan(random / 2);
            }
        }
    }

    /** Worst |active - due| / weight over the second half of a simulated run. */
    private static double worstDeviation(String name, int[] weights) {
        int total = java.util.Arrays.stream(weights).sum();
        List<Backend> pool = Pools.backends(weights);
        pool.forEach(b -> b.recordResponseTime(1_000_000));
        LoadBalancer lb = Pools.create(name, pool);
        java.util.Random rnd = new java.util.Random(6);
        java.util.ArrayList<Backend> inFlight = new java.util.ArrayList<>();
        double worst = 0;
        for (int i = 0; i < 40 * total; i++) {
            Backend b = lb.pick(new TestContext());
            b.requestStarted();
            inFlight.add(b);
            if (inFlight.size() > 10 * total) {
                Backend done = inFlight.set(rnd.nextInt(inFlight.size()), inFlight.getLast());
                inFlight.removeLast();
                done.requestFinished();
            }
            if (i > 20 * total && i % 97 == 0) {
                for (int k = 0; k < pool.size(); k++) {
                    double due = (double) inFlight.size() * weights[k] / total;
                    worst = Math.max(worst, Math.abs(pool.get(k).activeRequests() - due) / weights[k]);
                }
            }
        }
        return worst;
    }

    @Test
    void leastResponseTimePrefersFastIdleHeavyBackends() {
        List<Backend> pool = Pools.backends(1, 1, 2);
        pool.get(0).recordResponseTime(10_000_000);
        pool.get(1).recordResponseTime(2_000_000);
        pool.get(2).recordResponseTime(3_000_000);
        LoadBalancer lb = Pools.create("least-response-time", pool);
        // scores: 10ms, 2ms, 1.5ms
        assertThat(lb.pick(new TestContext())).isSameAs(pool.get(2));
        load(pool.get(2), 2); // 3ms*3/2 = 4.5ms
        assertThat(lb.pick(new TestContext())).isSameAs(pool.get(1));
    }

    @Test
    void leastResponseTimeProbesUnsampledBackendOneRequestAtATime() {
        List<Backend> pool = Pools.backends(1, 1);
        pool.get(0).recordResponseTime(1_000_000);
        LoadBalancer lb = Pools.create("least-response-time", pool);
        assertThat(lb.pick(new TestContext())).isSameAs(pool.get(1));
        pool.get(1).requestStarted();
        // In flight without a sample yet: the sampled backend takes the traffic meanwhile.
        for (int i = 0; i < 10; i++) {
            assertThat(lb.pick(new TestContext())).isSameAs(pool.get(0));
        }
        // Only the unsampled one is left: it is used even while busy.
        Pools.eject(pool.get(0));
        assertThat(lb.pick(new TestContext())).isSameAs(pool.get(1));
    }

    @Test
    void powerOfTwoKeepsTheLessLoadedPerWeight() {
        List<Backend> pool = Pools.backends(1, 1);
        load(pool.get(0), 5);
        LoadBalancer lb = Pools.create("power-of-two", pool);
        // With two backends both are always drawn (distinct), so the idle one always wins.
        for (int i = 0; i < 200; i++) {
            assertThat(lb.pick(new TestContext())).isSameAs(pool.get(1));
        }
    }

    @Test
    void powerOfTwoBalancesLoadTightly() {
        List<Backend> pool = Pools.backends(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        LoadBalancer lb = Pools.create("power-of-two", pool);
        for (int i = 0; i < 10_000; i++) {
            lb.pick(new TestContext()).requestStarted();
        }
        // Random alone would spread about +-100 (3 sigma); two choices keep loads within a few requests.
        for (Backend b : pool) {
            assertThat(b.activeRequests()).isBetween(990, 1010);
        }
    }
}
