package io.fulcrum.cluster.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.testsupport.EtcdCluster;
import io.fulcrum.testsupport.EtcdProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jetcd client as {@link EtcdClients} builds it, against a real etcd: put, get and
 * watch work with the Netty the project resolves (jetcd 0.8 runs on Vert.x 5 and
 * grpc-netty, both on Netty 4.2).
 */
class EtcdClientsTest {

    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdProcess.single();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @Test
    void putGetAndWatchAgainstRealEtcd() throws Exception {
        try (Client client = EtcdClients.create(EtcdStoreConfig.of(List.of(etcd.endpoint()), "/t"), null)) {
            ByteSequence key = EtcdClients.bytes("/t/a");
            LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
            long start = client.getKVClient().get(key).get(5, TimeUnit.SECONDS).getHeader().getRevision();
            try (Watch.Watcher w = client.getWatchClient().watch(key,
                    WatchOption.builder().withRevision(start + 1).build(),
                    response -> events.addAll(response.getEvents()))) {
                client.getKVClient().put(key, EtcdClients.bytes("one")).get(5, TimeUnit.SECONDS);

                assertThat(client.getKVClient().get(key).get(5, TimeUnit.SECONDS).getKvs().getFirst()
                        .getValue().toString(StandardCharsets.UTF_8)).isEqualTo("one");
                WatchEvent event = events.poll(10, TimeUnit.SECONDS);
                assertThat(event).isNotNull();
                assertThat(event.getEventType()).isEqualTo(WatchEvent.EventType.PUT);
                assertThat(event.getKeyValue().getValue().toString(StandardCharsets.UTF_8)).isEqualTo("one");
            }
            // etcdctl sees what the Java client wrote: the same store, over the wire.
            assertThat(etcd.etcdctl("get", "/t/a", "--print-value-only")).isEqualTo("one\n");
        }
    }

    @Test
    void oneClientOverThreeMembersOutlivesTheMemberItTalksTo() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.threeMembers();
             Client client = EtcdClients.create(EtcdStoreConfig.of(cluster.endpoints(), "/t"), null)) {
            ByteSequence key = EtcdClients.bytes("/t/b");
            client.getKVClient().put(key, EtcdClients.bytes("before")).get(10, TimeUnit.SECONDS);
            cluster.member(0).kill();

            // Two of three members keep a quorum: the client moves to them and writes on. A write
            // in flight while they elect a new leader times out on the server (a put is not
            // retried by the client: it is not idempotent), so the caller tries again.
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                client.getKVClient().put(key, EtcdClients.bytes("after")).get(5, TimeUnit.SECONDS);
                return true;
            });
            assertThat(cluster.member(1).etcdctl("get", "/t/b", "--print-value-only")).isEqualTo("after\n");

            // The killed member comes back on its data and catches up.
            cluster.member(0).restart();
            assertThat(cluster.member(0).etcdctl("get", "/t/b", "--print-value-only", "--consistency=s"))
                    .isIn("before\n", "after\n");
        }
    }
}
