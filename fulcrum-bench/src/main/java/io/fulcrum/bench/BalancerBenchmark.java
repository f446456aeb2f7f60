package io.fulcrum.bench;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.BalancerRegistry;
import io.fulcrum.core.balance.BalancerSpec;
import io.fulcrum.core.balance.LoadBalancer;
import io.fulcrum.core.balance.PickContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Time per pick of every balancing algorithm over a pool of 100 backends with
 * mixed weights (1..100), mixed load (0..19 active requests) and mixed response
 * times; the client address changes on every pick.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class BalancerBenchmark {

    @Param({"round-robin", "weighted-round-robin", "smooth-weighted-round-robin", "least-connections",
            "least-response-time", "power-of-two", "random", "source-ip-hash", "maglev", "ring-hash",
            "locality-weighted-round-robin"})
    public String algorithm;

    @Param("100")
    public int backends;

    private LoadBalancer balancer;

    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Backend> pool = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            Backend b = Backend.of("bench", i, "10.0." + (i / 250) + "." + (i % 250), 8080, 1 + rnd.nextInt(100));
            b.recordResponseTime(500_000 + rnd.nextInt(5_000_000));
            for (int r = rnd.nextInt(20); r > 0; r--) {
                b.requestStarted();
            }
            b.setLocality(i % 10 == 0 ? "local" : "remote", "");
            pool.add(b);
        }
        balancer = BalancerRegistry.create(algorithm, BalancerSpec.of(pool));
    }

    /** The request side: a different client address on every pick, from a precomputed array. */
    @State(Scope.Thread)
    public static class Requests implements PickContext {
        private static final int SIZE = 4096; // power of two
        private final byte[][] addresses = new byte[SIZE][];
        private int next;
        private long now;

        @Setup
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(7);
            for (int i = 0; i < SIZE; i++) {
                int ip = rnd.nextInt();
                addresses[i] = new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
            }
            now = System.nanoTime();
        }

        PickContext next() {
            next = (next + 1) & (SIZE - 1);
            return this;
        }

        @Override
        public byte[] clientAddress() {
            return addresses[next];
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public long nowNanos() {
            return now; // the proxy reads the clock once per request, outside the balancer
        }
    }

    @Benchmark
    public Backend pick(Requests requests) {
        return balancer.pick(requests.next());
    }
}
