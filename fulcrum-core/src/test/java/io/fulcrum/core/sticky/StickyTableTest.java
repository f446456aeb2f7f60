package io.fulcrum.core.sticky;

import io.fulcrum.core.backend.Backend;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

class StickyTableTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long HOUR = 3600 * SECOND;

    private final Backend a = Backend.of("pool", 0, "10.0.0.1", 80, 1);
    private final Backend b = Backend.of("pool", 1, "10.0.0.2", 80, 1);
    private final StickyTable table = new StickyTable();

    @Test
    void missThenStoreThenHit() {
        assertThat(table.lookup("app|1.2.3.4", 0, HOUR)).isNull();
        table.store("app|1.2.3.4", a, 0, HOUR);
        assertThat(table.lookup("app|1.2.3.4", 10 * SECOND, HOUR)).isSameAs(a);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.countFor(a)).isEqualTo(1);
    }

    @Test
    void hitMovesTheExpiryToNowPlusTimeout() {
        table.store("k", a, 0, HOUR);
        assertThat(table.lookup("k", HOUR - SECOND, HOUR)).isSameAs(a);
        assertThat(table.snapshot()).containsExactly(new StickyTable.Entry("k", a, 2 * HOUR - SECOND));
        // Without the refresh it would have expired at HOUR.
        assertThat(table.lookup("k", 2 * HOUR - 2 * SECOND, HOUR)).isSameAs(a);
    }

    @Test
    void expiredEntryIsRemovedOnLookup() {
        table.store("k", a, 0, HOUR);
        assertThat(table.lookup("k", HOUR, HOUR)).isNull();
        assertThat(table.size()).isZero();
        assertThat(table.countFor(a)).isZero();
        assertThat(table.lookup("k", HOUR, HOUR)).isNull();
    }

    @Test
    void olderClockNeverMovesTheExpiryBack() {
        table.store("k", a, 100 * SECOND, HOUR);
        assertThat(table.lookup("k", 50 * SECOND, HOUR)).isSameAs(a);
        assertThat(table.snapshot().getFirst().expiresAtNanos()).isEqualTo(100 * SECOND + HOUR);
    }

    @Test
    void worksAcrossTheNanoTimeSignBoundary() {
        long now = Long.MAX_VALUE - SECOND;
        table.store("k", a, now, HOUR); // expiry wraps negative
        assertThat(table.lookup("k", now + SECOND, HOUR)).isSameAs(a);
        assertThat(table.lookup("k", now + SECOND + HOUR + 1, HOUR)).isNull();
    }

    @Test
    void purgeRemovesOnlyExpiredEntries() {
        table.store("k1", a, 0, 10 * SECOND);
        table.store("k2", a, 0, 20 * SECOND);
        table.store("k3", b, 0, 30 * SECOND);
        assertThat(table.purgeExpired(5 * SECOND)).isZero();
        assertThat(table.purgeExpired(20 * SECOND)).isEqualTo(2);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.countFor(a)).isZero();
        assertThat(table.countFor(b)).isEqualTo(1);
        assertThat(table.snapshot()).extracting(StickyTable.Entry::key).containsExactly("k3");
    }

    @Test
    void removeBackendMovesItsClients() {
        for (int i = 0; i < 10; i++) {
            table.store("c" + i, i % 2 == 0 ? a : b, 0, HOUR);
        }
        assertThat(table.removeBackend(a)).isEqualTo(5);
        assertThat(table.countFor(a)).isZero();
        assertThat(table.countFor(b)).isEqualTo(5);
        assertThat(table.lookup("c0", SECOND, HOUR)).isNull();
        assertThat(table.lookup("c1", SECOND, HOUR)).isSameAs(b);
        assertThat(table.removeBackend(a)).isZero();
    }

    @Test
    void storeReplacesAndCountsMove() {
        table.store("k", a, 0, HOUR);
        table.store("k", b, 0, HOUR);
        assertThat(table.lookup("k", SECOND, HOUR)).isSameAs(b);
        assertThat(table.countFor(a)).isZero();
        assertThat(table.countFor(b)).isEqualTo(1);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void countForDrainReporting() {
        for (int i = 0; i < 100; i++) {
            table.store("c" + i, a, 0, (i + 1) * SECOND);
        }
        assertThat(table.countFor(a)).isEqualTo(100);
        table.purgeExpired(50 * SECOND);
        assertThat(table.countFor(a)).isEqualTo(50);
        table.purgeExpired(100 * SECOND);
        assertThat(table.countFor(a)).isZero();
        assertThat(table.countFor(b)).isZero();
    }

    @Test
    void snapshotIsACopy() {
        table.store("k", a, 0, HOUR);
        List<StickyTable.Entry> snap = table.snapshot();
        table.removeBackend(a);
        assertThat(snap).hasSize(1);
        assertThat(table.snapshot()).isEmpty();
    }

    @Test
    void hitsDoNotAllocate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] keys = new String[1000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "app|10.0." + (i >> 8) + "." + (i & 255);
            keys[i].hashCode();
            table.store(keys[i], a, 0, HOUR);
        }
        for (int i = 0; i < 200_000; i++) {
            table.lookup(keys[i % keys.length], i, HOUR);
        }
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        for (int i = 0; i < 100_000; i++) {
            table.lookup(keys[i % keys.length], 200_000 + i, HOUR);
        }
        assertThat(mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before).isLessThan(10_000);
    }

    /**
     * Lookups (which refresh or expire), stores, purges and backend removals race;
     * afterwards every count must equal the entries actually left.
     */
    @Test
    void countsStayExactUnderConcurrency() throws Exception {
        Backend[] backends = new Backend[4];
        for (int i = 0; i < backends.length; i++) {
            backends[i] = Backend.of("pool", i, "10.0.1." + i, 80, 1);
        }
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    start.await();
                    for (int i = 0; i < 50_000; i++) {
                        String key = "k" + rnd.nextInt(500);
                        long now = i * 1000L;
                        switch (rnd.nextInt(10)) {
                            case 0, 1, 2, 3 -> table.lookup(key, now, 5_000_000);
                            case 4, 5, 6 -> table.store(key, backends[rnd.nextInt(4)], now, rnd.nextInt(5_000_000));
                            case 7 -> table.purgeExpired(now);
                            case 8 -> { if (rnd.nextInt(50) == 0) table.removeBackend(backends[rnd.nextInt(4)]); }
                            default -> table.lookup(key, now + 10_000_000, 5_000_000);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(errors).isEmpty();
        List<StickyTable.Entry> left = table.snapshot();
        assertThat(left).hasSize(table.size());
        for (Backend be : backends) {
            long live = left.stream().filter(e -> e.backend() == be).count();
            assertThat(table.countFor(be)).as(be.toString()).isEqualTo((int) live);
        }
    }

    @Test
    void storesAreToldToReplicationAndRefreshesOnlyPastHalfTheTimeout() {
        List<String> told = new ArrayList<>();
        table.replicateTo((key, backend, expires) -> told.add(key + "->" + backend.name() + "@" + expires / SECOND));
        table.store("k", a, 0, HOUR);
        table.lookup("k", 10 * SECOND, HOUR);      // moved 10 s: not worth a message
        table.lookup("k", HOUR / 2 + 2 * SECOND, HOUR); // moved past half the timeout: told again
        assertThat(told).containsExactly("k->10.0.0.1:80@3600", "k->10.0.0.1:80@5402");
    }

    @Test
    void aReplicaIsNotToldBackAndReplacesAnOtherBackendButNeverShortensTheSame() {
        List<String> told = new ArrayList<>();
        table.replicateTo((key, backend, expires) -> told.add(key));
        table.store("k", a, 0, HOUR);
        table.storeReplica("k", b, 100 * SECOND);
        assertThat(told).containsExactly("k"); // the replica is not told back
        assertThat(table.lookup("k", SECOND, HOUR)).isSameAs(b); // a hit here is (its expiry moved far)
        assertThat(table.countFor(a)).isZero();
        assertThat(table.countFor(b)).isEqualTo(1);
        table.storeReplica("k", b, 50 * SECOND); // older news of the same binding: expiry stays later
        assertThat(table.snapshot().getFirst().expiresAtNanos()).isEqualTo(HOUR + SECOND);
        assertThat(told).containsExactly("k", "k");
    }
}
