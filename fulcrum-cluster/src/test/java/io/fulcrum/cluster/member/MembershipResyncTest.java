package io.fulcrum.cluster.member;

import io.etcd.jetcd.Client;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.testsupport.EtcdCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The members view across the loss of its etcd member, on a real three-member etcd: the
 * view talks to member 0 only, registrations are written through member 1. Changes made
 * while member 0 is down arrive when it is back, in order (a clean leave is still seen as
 * removed: the watch resumes from its revision, it does not jump); changes made while it
 * is down and compacted away are found by a full read at a consistent revision.
 */
class MembershipResyncTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @Test
    void changesMadeWhileItsEtcdMemberIsDownArriveWithoutSkippingAndAfterACompaction() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.threeMembers();
             Client viewClient = EtcdClients.create(EtcdStoreConfig.of(List.of(etcd.member(0).endpoint()), "/m"), null);
             Client writer = EtcdClients.create(EtcdStoreConfig.of(List.of(etcd.member(1).endpoint()), "/m"), null)) {
            ClusterKeys keys = new ClusterKeys("/m");
            ScheduledExecutorService viewClock = Executors.newSingleThreadScheduledExecutor();
            ScheduledExecutorService writerClock = Executors.newSingleThreadScheduledExecutor();
            EventLog events = new EventLog();
            try {
                Membership view = new Membership(viewClient, keys, events, viewClock, TIMEOUT);
                view.start();
                Registration a = register(writer, keys, writerClock, "a");
                Registration b = register(writer, keys, writerClock, "b");
                Awaitility.await().atMost(WITHIN).until(() -> states(view).equals(Map.of("a", "up", "b", "up")));

                // 1. Member 0 down: b leaves cleanly meanwhile; when 0 is back, b is removed (not failed).
                etcd.member(0).kill();
                // A write in flight while the members elect a new leader can fail: drain until etcd has it.
                Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() -> {
                    writerClock.submit(b::drain).get(10, TimeUnit.SECONDS);
                    return etcd.member(1).etcdctl("get", "/m/cluster/members/b", "--print-value-only")
                            .contains("\"state\":\"draining\"");
                });
                writerClock.submit(b::leave).get(20, TimeUnit.SECONDS);
                etcd.member(0).restart();
                Awaitility.await().atMost(WITHIN).until(() -> states(view).equals(Map.of("a", "up", "b", "removed")));
                assertThat(kinds(events, "b")).containsSubsequence("cluster.node.up", "cluster.node.draining",
                        "cluster.node.removed").doesNotContain("cluster.node.failed");

                // 2. Member 0 down again: c registers, then the history is compacted past the view's revision.
                etcd.member(0).kill();
                Registration c = register(writer, keys, writerClock, "c");
                Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                        !etcd.member(1).etcdctl("get", "/m/cluster/members/c", "--print-value-only").isBlank());
                long now = writer.getKVClient().get(keys.members()).get(10, TimeUnit.SECONDS).getHeader().getRevision();
                long before = view.revision();
                writer.getKVClient().compact(now).get(10, TimeUnit.SECONDS);
                etcd.member(0).restart();
                Awaitility.await().atMost(WITHIN).until(() ->
                        states(view).equals(Map.of("a", "up", "b", "removed", "c", "up")));
                assertThat(view.revision()).isGreaterThanOrEqualTo(now).isGreaterThan(before);
                assertThat(c.self().id()).isEqualTo("c");
                assertThat(a.self().state()).isEqualTo(Member.UP);
            } finally {
                viewClock.shutdownNow();
                writerClock.shutdownNow();
            }
        }
    }

    private static Registration register(Client client, ClusterKeys keys, ScheduledExecutorService clock, String id) {
        NodeLease lease = new NodeLease(client, Duration.ofSeconds(30), TIMEOUT, clock);
        Registration r = new Registration(client, keys, lease,
                new Member(id, List.of("proxy"), "s", "h", Map.of("proxy", List.of("127.0.0.1:80")), 100, "test",
                        Member.UP, Instant.now()), TIMEOUT);
        lease.start();
        return r;
    }

    private static Map<String, String> states(Membership view) {
        return view.members().stream().collect(java.util.stream.Collectors.toMap(v -> v.member().id(),
                v -> v.state().label()));
    }

    private static List<String> kinds(EventLog events, String subject) {
        return events.latest(1000).stream().filter(e -> e.subject().equals(subject)).map(Event::kind).toList();
    }
}
