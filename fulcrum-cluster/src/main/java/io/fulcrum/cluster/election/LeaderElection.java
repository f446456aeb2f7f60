package io.fulcrum.cluster.election;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.cluster.member.NodeLease;
import io.fulcrum.core.event.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leader election on one lease-guarded key: a candidate creates {@code <prefix>/cluster/leader}
 * under its lease in a transaction that succeeds only if the key does not exist (create
 * revision 0), so exactly one holds it; that key's create revision is the leader's fencing
 * token. Every node watches the key; when it is deleted (the leader's lease expired, or it
 * left and revoked its lease) the candidates try again, so a new leader follows within the
 * lease TTL of the old one's death.
 *
 * <p>A leader stops leading the moment its lease may have expired
 * ({@link NodeLease#validUntilNanos()}), even when etcd cannot be asked; a node that is
 * not a candidate (no {@code controller} role) only follows who leads.
 *
 * <p>State changes run on the cluster thread.
 */
public final class LeaderElection implements Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final Client client;
    private final ByteSequence key;
    private final String nodeId;
    private final boolean candidate;
    private final NodeLease lease;
    private final EventLog events;
    private final ScheduledExecutorService clock;
    private final Duration requestTimeout;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Leader leader;
    /** The lease this node won with (0: not leader). */
    private volatile long wonWithLease;
    private Watch.Watcher watcher;
    private long retryDelayMillis = 200;
    private volatile boolean closed;

    /**
     * @param candidate whether this node stands for leader
     * @param events    where a change of leader is published
     */
    public LeaderElection(Client client, ByteSequence key, String nodeId, boolean candidate, NodeLease lease,
                          EventLog events, ScheduledExecutorService clock, Duration requestTimeout) {
        this.client = client;
        this.key = key;
        this.nodeId = nodeId;
        this.candidate = candidate;
        this.lease = lease;
        this.events = events;
        this.clock = clock;
        this.requestTimeout = requestTimeout;
        if (candidate) {
            lease.onGranted(id -> campaign());
            lease.onLost(this::stepDown);
        }
    }

    /** Reads who leads and starts watching (on the cluster thread; retried until etcd answers). */
    public void start() {
        clock.execute(this::observe);
    }

    @Override
    public boolean isLeader() {
        long won = wonWithLease;
        return won != 0 && won == lease.id() && lease.held();
    }

    @Override
    public long fencingRevision() {
        Leader l = leader;
        return isLeader() && l != null ? l.fencingRevision() : 0;
    }

    @Override
    public Optional<Leader> leader() {
        return Optional.ofNullable(leader);
    }

    @Override
    public String leaderKey() {
        return key.toString(StandardCharsets.UTF_8);
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Stops watching; a leader lets go when its lease is revoked (the node leaving). */
    public void close() {
        closed = true;
        onClock(() -> {
            if (watcher != null) {
                watcher.close();
                watcher = null;
            }
            wonWithLease = 0;
        });
    }

    /** Reads the key, campaigns if it is free, then watches it from the next revision. */
    private void observe() {
        if (closed) {
            return;
        }
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        long revision;
        try {
            var got = client.getKVClient().get(key).get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            revision = got.getHeader().getRevision();
            update(got.getKvs().isEmpty() ? null : got.getKvs().getFirst());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.debug("cluster: reading the leader failed: {}", e.toString());
            retryLater(this::observe);
            return;
        }
        retryDelayMillis = 200;
        if (leader == null) {
            campaign();
        }
        Watch.Watcher[] mine = new Watch.Watcher[1];
        mine[0] = client.getWatchClient().watch(key, WatchOption.builder().withRevision(revision + 1).build(),
                Watch.listener(
                        r -> onClock(() -> {
                            if (watcher != mine[0]) {
                                return;
                            }
                            for (WatchEvent e : r.getEvents()) {
                                update(e.getEventType() == WatchEvent.EventType.PUT ? e.getKeyValue() : null);
                            }
                            if (leader == null) {
                                campaign();
                            }
                        }),
                        error -> onClock(() -> {
                            if (watcher == mine[0]) {
                                LOG.info("cluster: leader watch ended ({}); reading it again", error.toString());
                                watcher.close();
                                watcher = null;
                                retryLater(this::observe);
                            }
                        })));
        watcher = mine[0];
    }

    /** Tries to take the free key under this node's lease. */
    private void campaign() {
        long leaseId = lease.id();
        if (!candidate || closed || leaseId == 0 || isLeader()) {
            return;
        }
        String value = "{\"nodeId\":\"" + nodeId + "\"}";
        try {
            TxnResponse r = client.getKVClient().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(key, EtcdClients.bytes(value), PutOption.builder().withLeaseId(leaseId).build()))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit().get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r.isSucceeded()) {
                wonWithLease = leaseId;
                setLeader(new Leader(nodeId, r.getHeader().getRevision(), Long.toHexString(leaseId)));
            } else if (!r.getGetResponses().isEmpty() && !r.getGetResponses().getFirst().getKvs().isEmpty()) {
                update(r.getGetResponses().getFirst().getKvs().getFirst());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("cluster: campaign failed: {}", e.toString());
            retryLater(this::campaign);
        }
    }

    /** The key as read: a leader (perhaps this node, holding it from before), or none. */
    private void update(KeyValue kv) {
        if (kv == null) {
            wonWithLease = 0;
            setLeader(null);
            return;
        }
        String text = kv.getValue().toString(StandardCharsets.UTF_8);
        String id = text.replaceAll(".*\"nodeId\"\\s*:\\s*\"([^\"]*)\".*", "$1");
        if (candidate && kv.getLease() == lease.id() && lease.id() != 0) {
            wonWithLease = kv.getLease(); // ours, from before a watch was lost
        } else if (kv.getLease() != wonWithLease) {
            wonWithLease = 0;
        }
        setLeader(new Leader(id, kv.getCreateRevision(), Long.toHexString(kv.getLease())));
    }

    private void stepDown() {
        if (wonWithLease != 0) {
            LOG.warn("cluster: {} steps down as leader: its lease is lost", nodeId);
            wonWithLease = 0;
            notifyListeners();
        }
    }

    private void setLeader(Leader next) {
        Leader before = leader;
        if (Objects.equals(before, next)) {
            return;
        }
        leader = next;
        if (events != null) {
            if (next != null) {
                events.publish("cluster.leader", next.nodeId(), next.nodeId().equals(nodeId) && isLeader()
                        ? "this node was elected leader" : "elected leader",
                        Map.of("fencingRevision", String.valueOf(next.fencingRevision()), "lease", next.lease()));
            } else if (before != null) {
                events.publish("cluster.leader.none", before.nodeId(), "the leader key is gone: electing a new one",
                        Map.of("fencingRevision", String.valueOf(before.fencingRevision())));
            }
        }
        notifyListeners();
    }

    private void notifyListeners() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("leadership listener failed: {}", e.toString());
            }
        }
    }

    /** Runs a watch callback on the cluster thread; dropped once the node is shutting down. */
    private void onClock(Runnable task) {
        try {
            clock.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("cluster: leader event after shutdown dropped");
        }
    }

    private void retryLater(Runnable action) {
        if (!closed) {
            try {
                clock.schedule(action, retryDelayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // shutting down
            }
            retryDelayMillis = Math.min(retryDelayMillis * 2, 5_000);
        }
    }
}
