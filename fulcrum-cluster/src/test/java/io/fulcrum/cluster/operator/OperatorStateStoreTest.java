package io.fulcrum.cluster.operator;

import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.testsupport.EtcdProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator state in a real etcd: a write against a stale read loses, a follower sees every change. */
class OperatorStateStoreTest {

    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdProcess.single();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    private static OperatorStateStore open(String prefix) {
        return new OperatorStateStore(EtcdStoreConfig.of(List.of(etcd.endpoint()), prefix), null);
    }

    @Test
    void aWriteAgainstAStaleReadIsRefusedAndWritesNothing() throws Exception {
        try (OperatorStateStore one = open("/race"); OperatorStateStore two = open("/race")) {
            OperatorStateStore.Snapshot seen = one.read();
            assertThat(seen.keys()).isEmpty();
            // Node two writes first, from the same state.
            two.commit(two.read().serialRevision(), Map.of("backend/web/a", "{\"state\":\"draining\"}"), Set.of(),
                    "drain by two");
            assertThatThrownBy(() -> one.commit(seen.serialRevision(), Map.of("backend/web/a", "{\"weight\":3}"), Set.of(),
                    "weight by one"))
                    .isInstanceOf(OperatorStateStore.Conflict.class)
                    .hasMessageContaining("changed on another node");
            assertThat(one.read().keys()).containsExactly(Map.entry("backend/web/a", "{\"state\":\"draining\"}"));
            // Read again, it goes through; a delete is part of the same transaction.
            long at = one.commit(one.read().serialRevision(), Map.of("removed/web/b", "{}"), Set.of("backend/web/a"), "remove by one");
            assertThat(at).isPositive();
            assertThat(two.read().keys()).containsExactly(Map.entry("removed/web/b", "{}"));
            assertThat(etcd.etcdctl("get", "--prefix", "/race/operator/", "--keys-only")).contains("/race/operator/removed/web/b");
        }
    }

    @Test
    void aFollowerGetsEveryChangeAsAWholeStateWithItsNote() throws Exception {
        try (OperatorStateStore writer = open("/follow"); OperatorStateStore follower = open("/follow")) {
            AtomicReference<OperatorStateStore.Snapshot> last = new AtomicReference<>();
            List<String> notes = new CopyOnWriteArrayList<>();
            follower.follow(follower.read().revision(), s -> {
                notes.addAll(s.notes());
                last.set(s);
            });
            writer.commit(writer.read().serialRevision(),
                    Map.of("backend/web/a", "{\"state\":\"draining\"}", "added/web/c", "{\"name\":\"c\"}"), Set.of(),
                    "first");
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> last.get() != null && last.get().keys().size() == 2);
            writer.commit(writer.read().serialRevision(), Map.of(), Set.of("added/web/c"), "second");
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> last.get().keys().equals(Map.of("backend/web/a", "{\"state\":\"draining\"}")));
            // Each change's note, once and in order; the serial key is not part of the state.
            assertThat(notes).containsExactly("first", "second");
            assertThat(last.get().keys()).doesNotContainKey("-serial");
        }
    }
}
