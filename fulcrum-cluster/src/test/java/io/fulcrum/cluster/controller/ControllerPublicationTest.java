package io.fulcrum.cluster.controller;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.etcd.jetcd.Client;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.cluster.election.LeaderElection;
import io.fulcrum.cluster.election.Leadership;
import io.fulcrum.cluster.member.ClusterKeys;
import io.fulcrum.cluster.member.NodeLease;
import io.fulcrum.cluster.stats.BackendStats;
import io.fulcrum.cluster.stats.NodeStats;
import io.fulcrum.cluster.stats.StatsCodec;
import io.fulcrum.core.config.BackendConfig;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.cluster.ControlledPoolConfig;
import io.fulcrum.core.config.cluster.ControllerConfig;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.testsupport.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leader's publications against a real etcd: weights from two nodes' statistics, the
 * fence that refuses a deposed leader's write, and the threshold that skips a change too small.
 */
class ControllerPublicationTest {

    private static EtcdProcess etcd;
    private static Client client;
    private static final ControllerKeys KEYS = new ControllerKeys("/pub-test");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdProcess.single();
        client = EtcdClients.create(EtcdStoreConfig.of(List.of(etcd.endpoint()), "/pub-test"), null);
    }

    @AfterAll
    static void stopEtcd() {
        client.close();
        etcd.close();
    }

    private static FulcrumConfig config(int threshold) {
        PoolConfig web = PoolConfigBuilder.pool("web")
                .algorithm(ExtensionConfig.of("weighted-round-robin"))
                .backends(List.of(new BackendConfig("fast", HostPort.of("127.0.0.1", 1), 50, null, null, null, null, null),
                        new BackendConfig("slow", HostPort.of("127.0.0.1", 2), 50, null, null, null, null, null)))
                .build();
        FulcrumConfig c = FulcrumConfigBuilder.config().listeners(List.of()).pools(List.of(web)).build();
        return new FulcrumConfig(c.server(), c.accessLog(), c.listeners(), c.pools(), null, null, null, null, null,
                null, null, new ControllerConfig(true, null, null,
                List.of(new ControlledPoolConfig("web", null, null, null, null, null, threshold, Duration.ofSeconds(30)))),
                null, null);
    }

    private static void publishStats(String node, double slowLatency) throws Exception {
        NodeStats s = new NodeStats(node, System.currentTimeMillis(), 1000, List.of(
                new BackendStats("web", "fast", 1, 2, 100, 0, 0, 0, 2, 3, 4, 0.1, 0, 50),
                new BackendStats("web", "slow", 1, 2, 100, 0, 0, 0, slowLatency, slowLatency, slowLatency, 0.1, 0, 50)));
        client.getKVClient().put(EtcdClients.bytes(KEYS.stats(node)), io.etcd.jetcd.ByteSequence.from(StatsCodec.encode(s)))
                .get(5, TimeUnit.SECONDS);
    }

    private static Publication published() throws Exception {
        var got = client.getKVClient().get(EtcdClients.bytes(KEYS.pool("web"))).get(5, TimeUnit.SECONDS);
        return got.getKvs().isEmpty() ? null : Publication.fromJson(got.getKvs().getFirst().getValue().getBytes());
    }

    @Test
    void theLeaderPublishesWeightsFencedByItsLeaderKeyAndOnlyWhenTheyMoveEnough() throws Exception {
        publishStats("n1", 50);
        publishStats("n2", 30);
        // The cluster's election, as a node runs it: one candidate on its own lease.
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        NodeLease lease = new NodeLease(client, Duration.ofSeconds(3), TIMEOUT, clock);
        LeaderElection leader = new LeaderElection(client, new ClusterKeys("/pub-test").leader(), "n1", true, lease,
                null, clock, TIMEOUT);
        try {
            leader.start();
            lease.start();
            await().atMost(Duration.ofSeconds(20)).until(leader::isLeader);

            // A node that believes it leads with another revision (deposed, or never elected) is refused by etcd.
            Leadership stale = new Leadership() {
                public boolean isLeader() { return true; }
                public long fencingRevision() { return leader.fencingRevision() - 1; }
                public java.util.Optional<Leader> leader() { return java.util.Optional.empty(); }
                public String leaderKey() { return leader.leaderKey(); }
                public AutoCloseable onChange(Runnable listener) { return () -> { }; }
            };
            Controller deposed = new Controller(client, KEYS, "n0", stale, () -> config(10), TIMEOUT);
            deposed.round();
            assertThat(deposed.fencedOut()).isEqualTo(1);
            assertThat(published()).isNull();

            Controller controller = new Controller(client, KEYS, "n1", leader, () -> config(10), TIMEOUT);
            long before = System.currentTimeMillis();
            controller.round();
            Publication p = published();
            assertThat(p).isNotNull();
            assertThat(p.leader()).isEqualTo("n1");
            assertThat(p.fencingRevision()).isEqualTo(leader.fencingRevision());
            assertThat(p.weights().get("slow")).isLessThan(p.weights().get("fast"));
            assertThat(p.validFrom() - p.publishedAt()).isEqualTo(30_000);
            assertThat(p.publishedAt()).isGreaterThanOrEqualTo(before);
            // Both nodes' load counted: 200 requests/s per backend, each half the pool's.
            assertThat(p.aggregate().nodes()).isEqualTo(2);
            assertThat(p.aggregate().backend("slow").requests()).isEqualTo(200);
            assertThat(p.aggregate().backend("slow").sharePercent()).isEqualTo(50);
            assertThat(p.aggregate().backend("slow").p50Millis()).isEqualTo(40);

            // With a threshold of 100%, the next (different but close) weights are not worth a write.
            Controller strict = new Controller(client, KEYS, "n1", leader, () -> config(100), TIMEOUT);
            strict.round(); // goes on from the published weights of this term: 73/28 -> 84/17, under 100%
            long revision = client.getKVClient().get(EtcdClients.bytes(KEYS.pool("web"))).get(5, TimeUnit.SECONDS)
                    .getKvs().getFirst().getModRevision();
            strict.round();
            assertThat(client.getKVClient().get(EtcdClients.bytes(KEYS.pool("web"))).get(5, TimeUnit.SECONDS)
                    .getKvs().getFirst().getModRevision()).isEqualTo(revision);
            assertThat(strict.publications()).isZero();
        } finally {
            leader.close();
            clock.submit(lease::revoke).get(10, TimeUnit.SECONDS);
            clock.shutdownNow();
        }
    }
}
