package io.fulcrum.cluster.controller;

import io.etcd.jetcd.Client;
import io.fulcrum.cluster.election.Leadership;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.testsupport.EtcdProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fenced compare-and-swap records on a real etcd: a write applies only on the version it read and only
 * while the leader key still has the writer's fencing revision; a stale version or a deposed leader
 * writes nothing.
 */
class FencedRecordsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A leadership whose token the test sets: the create revision of a leader key the test writes itself. */
    private static final class TestLeadership implements Leadership {
        volatile long token;

        @Override
        public boolean isLeader() {
            return token > 0;
        }

        @Override
        public long fencingRevision() {
            return token;
        }

        @Override
        public Optional<Leader> leader() {
            return Optional.empty();
        }

        @Override
        public String leaderKey() {
            return "/f/cluster/leader";
        }

        @Override
        public AutoCloseable onChange(Runnable listener) {
            return () -> { };
        }
    }

    @Test
    void aWriteAppliesOnlyOnTheVersionReadAndOnlyWhileTheWriterLeads() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.single();
             Client client = EtcdClients.create(EtcdStoreConfig.of(List.of(etcd.endpoint()), "/f"), null)) {
            TestLeadership leadership = new TestLeadership();
            FencedRecords records = new FencedRecords(client, leadership, TIMEOUT);
            String key = new ControllerKeys("/f").scaleIntent("web");
            etcd.etcdctl("put", "/f/cluster/leader", "a");
            leadership.token = createRevision(client, "/f/cluster/leader");

            assertThat(records.read(key).version()).isZero();
            long v1 = records.replace(key, 0, "{\"n\":1}");
            assertThat(v1).isPositive();
            assertThat(records.replace(key, 0, "{\"n\":\"again\"}")).as("created once").isZero();
            long v2 = records.replace(key, v1, "{\"n\":2}");
            assertThat(v2).isGreaterThan(v1);
            assertThat(records.replace(key, v1, "{\"n\":\"stale\"}")).as("an old version").isZero();
            FencedRecords.Versioned now = records.read(key);
            assertThat(new String(now.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
            assertThat(now.version()).isEqualTo(v2);

            // Another leader: the key is created again (a new create revision); the old token writes nothing.
            etcd.etcdctl("del", "/f/cluster/leader");
            etcd.etcdctl("put", "/f/cluster/leader", "b");
            assertThat(records.replace(key, v2, "{\"n\":\"deposed\"}")).isZero();
            assertThat(new String(records.read(key).value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
            leadership.token = createRevision(client, "/f/cluster/leader");
            assertThat(records.replace(key, v2, "{\"n\":3}")).isPositive();
        }
    }

    private static long createRevision(Client client, String key) throws Exception {
        return client.getKVClient().get(EtcdClients.bytes(key)).get().getKvs().getFirst().getCreateRevision();
    }
}
