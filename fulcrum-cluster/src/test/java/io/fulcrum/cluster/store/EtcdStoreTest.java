package io.fulcrum.cluster.store;

import io.fulcrum.control.store.PushRecord;
import io.fulcrum.control.store.PushResult;
import io.fulcrum.control.store.StoreSnapshot;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.testsupport.EtcdCluster;
import io.fulcrum.testsupport.EtcdProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link EtcdStore} against real etcd processes. */
class EtcdStoreTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Two pools whose backends listen on {@code port}. */
    private static String twoPools(int port) {
        return """
                listeners:
                  - name: public
                    bind: "127.0.0.1:1"
                    routes: [{name: all, pool: web}]
                pools:
                  - name: web
                    backends: [{name: a, address: "127.0.0.1:%d"}]
                  - name: api
                    backends: [{name: b, address: "127.0.0.1:%d"}]
                """.formatted(port, port);
    }

    private static int port(FulcrumConfig config, String pool) {
        return config.pool(pool).backends().getFirst().address().port();
    }

    private EtcdStore store(List<String> endpoints, String snapshotName) {
        return new EtcdStore(new EtcdStoreConfig(endpoints, "/fulcrum-test", null, null, null, Duration.ofSeconds(1),
                Duration.ofSeconds(3), Duration.ofMillis(500), snapshotName), dir);
    }

    /** Records every configuration handed, loaded (so each must be whole and valid). */
    private static final class Recorder implements EtcdStore.Listener {
        final List<FulcrumConfig> configs = new CopyOnWriteArrayList<>();
        final List<Long> revisions = new CopyOnWriteArrayList<>();

        @Override
        public boolean offer(StoreSnapshot snapshot) {
            try {
                configs.add(ConfigLoader.parse(snapshot.yaml(), "etcd@" + snapshot.revision()));
                revisions.add(snapshot.revision());
                return true;
            } catch (Exception e) {
                throw new AssertionError("revision " + snapshot.revision() + " is not a whole configuration", e);
            }
        }

        FulcrumConfig last() {
            return configs.isEmpty() ? null : configs.getLast();
        }
    }

    @Test
    void aPushChangingTwoPoolsIsHandedAsOneRevisionNeverHalfOfIt() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.single();
             EtcdStore writer = store(List.of(etcd.endpoint()), "w.yaml");
             EtcdStore node = store(List.of(etcd.endpoint()), "n.yaml")) {
            writer.push(twoPools(1000), "test");
            assertThat(node.start()).isPresent();
            Recorder seen = new Recorder();
            node.follow(seen);

            for (int port = 1001; port <= 1010; port++) {
                PushResult pushed = writer.push(twoPools(port), "test");
                assertThat(pushed.put()).containsExactlyInAnyOrder("pools/web", "pools/api");
            }
            Awaitility.await().atMost(WITHIN).until(() -> seen.last() != null && port(seen.last(), "web") == 1010);

            // Every configuration handed has both pools on the same port: each push whole.
            for (FulcrumConfig c : seen.configs) {
                assertThat(port(c, "api")).isEqualTo(port(c, "web"));
            }
            assertThat(node.revision()).isEqualTo(writer.get().revision());
        }
    }

    @Test
    void aPushChangingOnePoolWritesOnlyItsKeyAndTheHistoryListsEachPush() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.single();
             EtcdStore store = store(List.of(etcd.endpoint()), "s.yaml")) {
            PushResult first = store.push(twoPools(1000), "alice");
            PushResult second = store.push(twoPools(1000).replaceFirst("1000", "2000"), "bob");
            PushResult third = store.push(twoPools(1000).replaceFirst("1000", "2000"), "bob");

            assertThat(second.put()).containsExactly("pools/web");
            assertThat(third.unchanged()).isTrue();
            assertThat(etcd.etcdctl("get", "--prefix", "/fulcrum-test/config/", "--keys-only"))
                    .contains("/fulcrum-test/config/pools/web", "/fulcrum-test/config/pools/api");
            List<PushRecord> history = store.history(10);
            assertThat(history).extracting(PushRecord::revision).containsExactly(second.revision(), first.revision());
            assertThat(history).extracting(PushRecord::author).containsExactly("bob", "alice");

            // Removing a pool deletes its key in the same transaction.
            PushResult fourth = store.push(twoPools(2000).substring(0, twoPools(2000).indexOf("  - name: api")), "carol");
            assertThat(fourth.deleted()).contains("pools/api");
            assertThat(ConfigLoader.parse(store.get().yaml(), "etcd").pools()).hasSize(1);
        }
    }

    @Test
    void aNodeStartedWhileEtcdIsDownServesItsSnapshotThenFollowsAgain() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.single()) {
            try (EtcdStore writer = store(List.of(etcd.endpoint()), "w.yaml")) {
                writer.push(twoPools(1000), "test");
            }
            try (EtcdStore node = store(List.of(etcd.endpoint()), "node.yaml")) {
                Recorder seen = new Recorder();
                node.start();
                node.follow(seen);
                writer(etcd).push(twoPools(1001), "test");
                Awaitility.await().atMost(WITHIN).until(() -> seen.last() != null && port(seen.last(), "web") == 1001);
            }
            assertThat(Files.readString(dir.resolve("node.yaml"))).contains("127.0.0.1:1001");

            etcd.kill();
            try (EtcdStore restarted = store(List.of(etcd.endpoint()), "node.yaml")) {
                Optional<StoreSnapshot> first = restarted.start();
                assertThat(first).isPresent();
                assertThat(first.get().fromLocal()).isTrue();
                assertThat(port(ConfigLoader.parse(first.get().yaml(), "snapshot"), "web")).isEqualTo(1001);
                Recorder seen = new Recorder();
                restarted.follow(seen);

                etcd.restart();
                writer(etcd).push(twoPools(1002), "test");
                Awaitility.await().atMost(WITHIN).until(() -> seen.last() != null && port(seen.last(), "web") == 1002);
            }
        }
    }

    @Test
    void aWatchWhoseRevisionWasCompactedAwayResyncsAndLosesNoChange() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.threeMembers()) {
            EtcdProcess first = cluster.member(0);
            try (EtcdStore writer = store(List.of(cluster.member(1).endpoint()), "w.yaml");
                 EtcdStore node = store(List.of(first.endpoint()), "node.yaml")) {
                writer.push(twoPools(1000), "test");
                Recorder seen = new Recorder();
                node.start();
                node.follow(seen);
                Awaitility.await().atMost(WITHIN).until(() -> node.revision() > 0);

                // The node's only member goes away; changes and a compaction happen without it.
                first.kill();
                pushRetried(writer, twoPools(1001));
                long latest = pushRetried(writer, twoPools(1002));
                cluster.member(1).etcdctl("compact", Long.toString(latest));
                first.restart();

                Awaitility.await().atMost(WITHIN).until(() -> seen.last() != null && port(seen.last(), "web") == 1002);
                assertThat(node.revision()).isGreaterThanOrEqualTo(latest);
            }
        }
    }

    /** Pushes, again while the remaining members elect a new leader (a write then fails on the server). */
    private static long pushRetried(EtcdStore writer, String yaml) {
        long[] revision = new long[1];
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() -> {
            revision[0] = writer.push(yaml, "test").revision();
            return true;
        });
        return revision[0];
    }

    private EtcdStore writer(EtcdProcess etcd) {
        return store(List.of(etcd.endpoint()), "writer-" + System.nanoTime() + ".yaml");
    }
}
