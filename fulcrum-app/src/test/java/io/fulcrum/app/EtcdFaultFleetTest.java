package io.fulcrum.app;

import io.fulcrum.testsupport.Closer;
import io.fulcrum.testsupport.EtcdCluster;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real Fulcrum processes on a real three-member etcd cluster, with HTTP traffic going
 * through all three the whole time: one member killed (a quorum left) still takes a push that
 * every node serves; the other two killed after it (no etcd at all) change nothing for the
 * traffic; the members started again, the nodes follow etcd again and a push reaches all
 * three. Not one request fails from start to end.
 */
class EtcdFaultFleetTest {

    /** Upper bounds of the load: it stops at whichever comes first, or when the test ends it. */
    private static final int MAX_REQUESTS = 200_000;
    private static final Duration MAX_LOAD_TIME = Duration.ofMinutes(6);

    @TempDir
    Path dir;

    @AutoClose
    final Closer closer = new Closer();


    /** A client sending {@code GET /} through the nodes in turn, one request after another, counting the failures. */
    private static final class Load implements AutoCloseable {
        final AtomicInteger sent = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;

        Load(StoreFleet fleet) {
            int[] ports = fleet.proxyPorts();
            long deadline = System.nanoTime() + MAX_LOAD_TIME.toNanos();
            thread = Thread.ofPlatform().name("fleet-load").start(() -> {
                while (!stop.get() && sent.get() < MAX_REQUESTS && System.nanoTime() < deadline) {
                    int port = ports[sent.getAndIncrement() % ports.length];
                    try {
                        String answer = fleet.get(port);
                        if (!answer.startsWith("200 ")) {
                            failures.add(port + ": " + answer);
                        }
                    } catch (IOException e) {
                        failures.add(port + ": " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        /** Waits until {@code more} further requests were sent (so each phase carries traffic). */
        void await(int more) throws InterruptedException {
            int target = sent.get() + more;
            while (sent.get() < target && thread.isAlive()) {
                Thread.sleep(20);
            }
            assertThat(thread.isAlive()).as("the load ran out of its bounds before the test ended").isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    @Test
    void trafficOutlivesEveryEtcdMemberAndPushesArriveWithAQuorumAndAfterTheRestart() throws Exception {
        EtcdCluster etcd = closer.add(EtcdCluster.threeMembers());
        NamedBackend a = closer.add(NamedBackend.start("a"));
        NamedBackend b = closer.add(NamedBackend.start("b"));
        StoreFleet fleet = closer.add(new StoreFleet(dir, "/faults", etcd.endpoints()));
        fleet.push(a);
        fleet.startAll();
        fleet.awaitServingEverywhere("a");

        Load load = closer.add(new Load(fleet));
        load.await(100);

        // One member down: two of three are a quorum, a push is taken and reaches every node.
        EtcdProcess first = etcd.member(0);
        first.kill();
        load.await(100);
        fleet.push(b);
        fleet.awaitServingEverywhere("b");

        // The other two down one after the other: no etcd left, the nodes serve what they have.
        etcd.member(1).kill();
        load.await(200);
        etcd.member(2).kill();
        load.await(300);
        for (StoreFleet.Node n : fleet.nodes()) {
            assertThat(fleet.get(n.proxyPort())).isEqualTo("200 b");
        }

        // Every member back on its data: the nodes' watches resume and a new push reaches all three.
        etcd.restartAll();
        load.await(100);
        fleet.push(a);
        fleet.awaitServingEverywhere("a");
        load.await(100);
        load.close();

        assertThat(load.failures).as("failed requests of %d", load.sent.get()).isEmpty();
        for (StoreFleet.Node n : fleet.nodes()) {
            assertThat(n.process().isRunning()).isTrue();
        }
    }
}
