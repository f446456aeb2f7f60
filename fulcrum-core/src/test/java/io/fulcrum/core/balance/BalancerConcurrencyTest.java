package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Picks from several threads: exact cycles for the turn-taking algorithms, no bad picks while the pool changes. */
class BalancerConcurrencyTest {

    /**
     * Each thread (or the threads sharing a cursor stripe) walks whole cycles, so
     * counts summed over threads are exact when every thread picks whole cycles.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"round-robin", "weighted-round-robin",
            "smooth-weighted-round-robin", "locality-weighted-round-robin"})
    void turnTakingStaysExactAcrossThreads(String name) throws Exception {
        int[] weights = {5, 3, 0, 2, 7};
        List<Backend> pool = Pools.backends(weights);
        LoadBalancer lb = Pools.create(name, pool);
        int cycle = name.equals("round-robin") ? 4 : 17;
        int threads = 5;
        int cycles = 2000;
        java.util.concurrent.atomic.AtomicIntegerArray counts = new java.util.concurrent.atomic.AtomicIntegerArray(5);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                TestContext ctx = new TestContext();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < cycles * cycle; i++) {
                    counts.incrementAndGet(lb.pick(ctx).index());
                }
            });
            workers[t].start();
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        for (int i = 0; i < weights.length; i++) {
            int due = threads * cycles * (name.equals("round-robin") ? (weights[i] > 0 ? 1 : 0) : weights[i]);
            assertThat(counts.get(i)).as(name + " b" + i).isEqualTo(due);
        }
    }

    static Set<String> names() {
        return BalancerRegistry.names();
    }

    @ParameterizedTest
    @MethodSource("names")
    void picksStayValidWhileThePoolChanges(String name) throws Exception {
        List<Backend> pool = Pools.backends(5, 3, 2, 4, 1, 6);
        Backend stable = pool.get(0);
        LoadBalancer lb = Pools.create(name, pool);
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        Thread changer = new Thread(() -> {
            Random rnd = new Random(1);
            while (!stop.get()) {
                Backend b = pool.get(1 + rnd.nextInt(pool.size() - 1));
                switch (rnd.nextInt(3)) {
                    case 0 -> b.setWeight(rnd.nextInt(8));
                    case 1 -> b.setState(rnd.nextBoolean() ? BackendState.UP : BackendState.DOWN);
                    default -> Thread.onSpinWait();
                }
            }
        });
        Thread[] pickers = new Thread[3];
        for (int t = 0; t < pickers.length; t++) {
            int seed = t;
            pickers[t] = new Thread(() -> {
                Random rnd = new Random(seed);
                TestContext ctx = new TestContext();
                try {
                    for (int i = 0; i < 30_000; i++) {
                        Backend b = lb.pick(ctx.ip(rnd.nextInt()));
                        if (b == null || !pool.contains(b)) {
                            throw new AssertionError("bad pick " + b + " at " + i);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
        }
        changer.start();
        for (Thread p : pickers) {
            p.start();
        }
        for (Thread p : pickers) {
            p.join();
        }
        stop.set(true);
        changer.join();
        assertThat(errors).isEmpty();
        assertThat(stable.state()).isEqualTo(BackendState.UP);
    }
}
