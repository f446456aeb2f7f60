package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.HashKeyConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Picks on the common path allocate nothing (checked with the JVM's per-thread allocation counter). */
class AllocationTest {

    static Set<String> names() {
        return BalancerRegistry.names();
    }

    /** A context that allocates nothing either. */
    private static final class FixedContext implements PickContext {
        final byte[][] addresses = new byte[256][];
        int next;

        FixedContext() {
            Random rnd = new Random(9);
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = new byte[4];
                rnd.nextBytes(addresses[i]);
            }
        }

        @Override
        public byte[] clientAddress() {
            return addresses[next++ & 255];
        }

        @Override
        public String header(String name) {
            return "user-1234567";
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public long nowNanos() {
            return TestContext.NOW;
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void picksDoNotAllocate(String name) {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Backend> pool = Pools.backends(5, 3, 2, 4, 1, 6, 7, 8);
        pool.forEach(b -> b.recordResponseTime(1_000_000));
        LoadBalancer lb = name.equals("ring-hash") ? Pools.hashing(name, new HashKeyConfig("header", "X-User"), pool)
                : BalancerRegistry.create(name, Pools.spec(pool));
        FixedContext ctx = new FixedContext();
        for (int i = 0; i < 200_000; i++) { // let the JIT compile the path
            lb.pick(ctx);
        }
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            lb.pick(ctx);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as(name + " bytes for 100k picks").isLessThan(10_000);
    }
}
