package io.fulcrum.cluster.election;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.cluster.member.ClusterKeys;
import io.fulcrum.cluster.member.NodeLease;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.testsupport.EtcdProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two candidates and an observer on a real etcd: exactly one leads; its fencing revision
 * lets it write in a transaction fenced on the leader key; once it lets go (its lease
 * revoked) the other is elected with a higher fencing revision, and the old leader's
 * fenced write is refused by etcd.
 */
class LeaderElectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void oneLeadsItsFencedWritesStopWhenItLosesAndTheOtherTakesOver() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.single();
             Client client = EtcdClients.create(EtcdStoreConfig.of(List.of(etcd.endpoint()), "/e"), null)) {
            ClusterKeys keys = new ClusterKeys("/e");
            ScheduledExecutorService clockA = Executors.newSingleThreadScheduledExecutor();
            ScheduledExecutorService clockB = Executors.newSingleThreadScheduledExecutor();
            ScheduledExecutorService clockC = Executors.newSingleThreadScheduledExecutor();
            try {
                NodeLease leaseA = new NodeLease(client, Duration.ofSeconds(3), TIMEOUT, clockA);
                NodeLease leaseB = new NodeLease(client, Duration.ofSeconds(3), TIMEOUT, clockB);
                NodeLease leaseC = new NodeLease(client, Duration.ofSeconds(3), TIMEOUT, clockC);
                LeaderElection a = new LeaderElection(client, keys.leader(), "a", true, leaseA, null, clockA, TIMEOUT);
                LeaderElection b = new LeaderElection(client, keys.leader(), "b", true, leaseB, null, clockB, TIMEOUT);
                LeaderElection observer = new LeaderElection(client, keys.leader(), "c", false, leaseC, null, clockC,
                        TIMEOUT);
                AtomicInteger changesSeenByB = new AtomicInteger();
                b.onChange(changesSeenByB::incrementAndGet);
                for (LeaderElection e : List.of(a, b, observer)) {
                    e.start();
                }
                leaseA.start();
                leaseB.start();
                leaseC.start();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> a.isLeader() ^ b.isLeader()
                        && observer.leader().isPresent() && a.leader().isPresent() && b.leader().isPresent());
                LeaderElection first = a.isLeader() ? a : b;
                LeaderElection second = first == a ? b : a;
                NodeLease firstLease = first == a ? leaseA : leaseB;
                ScheduledExecutorService firstClock = first == a ? clockA : clockB;
                long fencing = first.fencingRevision();
                assertThat(fencing).isPositive();
                assertThat(second.fencingRevision()).isZero();
                assertThat(observer.isLeader()).isFalse();
                assertThat(observer.leader().orElseThrow().fencingRevision()).isEqualTo(fencing);
                assertThat(fencedWrite(client, first, fencing, "by the first leader")).isTrue();

                firstClock.submit(firstLease::revoke).get(10, TimeUnit.SECONDS); // the first leader leaves

                Awaitility.await().atMost(Duration.ofSeconds(30)).until(second::isLeader);
                assertThat(first.isLeader()).isFalse();
                long newFencing = second.fencingRevision();
                assertThat(newFencing).isGreaterThan(fencing);
                assertThat(fencedWrite(client, first, fencing, "by the old leader")).as("old token refused").isFalse();
                assertThat(fencedWrite(client, second, newFencing, "by the new leader")).isTrue();
                assertThat(etcd.etcdctl("get", "/e/controller/out", "--print-value-only")).isEqualTo("by the new leader\n");
                assertThat(changesSeenByB.get()).isPositive();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                        observer.leader().map(l -> l.fencingRevision() == newFencing).orElse(false));
                a.close();
                b.close();
                observer.close();
            } finally {
                clockA.shutdownNow();
                clockB.shutdownNow();
                clockC.shutdownNow();
            }
        }
    }

    /** A write as the controller makes it: only while the leader key still has this create revision. */
    private static boolean fencedWrite(Client client, Leadership leadership, long fencing, String value)
            throws Exception {
        ByteSequence leaderKey = EtcdClients.bytes(leadership.leaderKey());
        return client.getKVClient().txn()
                .If(new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.createRevision(fencing)))
                .Then(Op.put(EtcdClients.bytes("/e/controller/out"), EtcdClients.bytes(value), PutOption.DEFAULT))
                .commit().get(5, TimeUnit.SECONDS).isSucceeded();
    }
}
