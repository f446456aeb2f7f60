package io.fulcrum.cluster.leader;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.fulcrum.cluster.etcd.EtcdClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leader election by a lease-guarded key: every candidate tries, a third of the lease's TTL
 * apart, to create the key (a transaction that succeeds only while it does not exist) with
 * its own lease attached, and keeps that lease alive; the key's create revision is the
 * fencing revision. A leader that dies stops renewing, its lease expires within the TTL,
 * etcd deletes the key, and the next candidate's attempt creates it.
 *
 * <p>A stand-in until the cluster's membership and election take over: the controller uses
 * only the {@link Leadership} interface and the key's name ({@link #key()}) to fence.
 */
public final class LeaseKeyLeadership implements Leadership, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeyLeadership.class);

    private final Client client;
    private final ByteSequence key;
    private final ByteSequence node;
    private final long ttlSeconds;
    private final long timeoutMillis;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fulcrum-leader-election").daemon(true).unstarted(r));
    private long leaseId;
    private volatile long fencing;
    private volatile String leaderName = "";

    /**
     * @param client         the etcd client
     * @param key            the leader key ({@code <prefix>/controller/leader})
     * @param node           this node's name, the key's value while it leads
     * @param ttl            the lease's time-to-live: a dead leader is replaced within it
     * @param requestTimeout how long one etcd call may take
     */
    public LeaseKeyLeadership(Client client, String key, String node, Duration ttl, Duration requestTimeout) {
        this.client = client;
        this.key = EtcdClients.bytes(key);
        this.node = EtcdClients.bytes(node);
        this.ttlSeconds = Math.max(2, ttl.toSeconds());
        this.timeoutMillis = requestTimeout.toMillis();
    }

    /** Starts campaigning. */
    public LeaseKeyLeadership start() {
        long period = Math.max(200, ttlSeconds * 1000 / 3);
        thread.scheduleWithFixedDelay(this::round, 0, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The leader key, for the transactions that fence a leader's writes. */
    public ByteSequence key() {
        return key;
    }

    /** The node that leads as last seen ({@code ""}: none known). */
    public String leaderName() {
        return leaderName;
    }

    @Override
    public boolean isLeader() {
        return fencing != 0;
    }

    @Override
    public long fencingRevision() {
        return fencing;
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** One round: renew the lease, then hold or try to take the key. Never throws. */
    private void round() {
        try {
            if (leaseId != 0) {
                try {
                    long left = client.getLeaseClient().keepAliveOnce(leaseId).get(timeoutMillis, TimeUnit.MILLISECONDS).getTTL();
                    if (left <= 0) {
                        throw new IllegalStateException("lease expired");
                    }
                } catch (Exception lost) {
                    // The lease is gone (expired while etcd was out of reach): so is any key it held.
                    leaseId = 0;
                    changed(0);
                }
            }
            if (leaseId == 0) {
                leaseId = client.getLeaseClient().grant(ttlSeconds).get(timeoutMillis, TimeUnit.MILLISECONDS).getID();
            }
            TxnResponse r = client.getKVClient().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(key, node, PutOption.builder().withLeaseId(leaseId).build()))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit().get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (r.isSucceeded()) {
                leaderName = node.toString(StandardCharsets.UTF_8);
                changed(r.getHeader().getRevision());
                return;
            }
            var kvs = r.getGetResponses().getFirst().getKvs();
            if (kvs.isEmpty()) {
                return; // deleted meanwhile: next round
            }
            var held = kvs.getFirst();
            leaderName = held.getValue().toString(StandardCharsets.UTF_8);
            changed(held.getLease() == leaseId ? held.getCreateRevision() : 0);
        } catch (Exception e) {
            LOG.debug("leader election round failed: {}", e.toString());
        }
    }

    private void changed(long revision) {
        long was = fencing;
        if (was == revision) {
            return;
        }
        fencing = revision;
        if ((was == 0) != (revision == 0) || revision != 0) {
            LOG.info(revision != 0 ? "this node leads the cluster (fencing revision {})" : "this node no longer leads",
                    revision);
            for (Listener l : listeners) {
                try {
                    l.leadershipChanged(revision != 0, revision);
                } catch (RuntimeException e) {
                    LOG.warn("leadership listener failed: {}", e.toString());
                }
            }
        }
    }

    /** Stops campaigning and gives the key up (revoking the lease), so another node leads at once. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
            if (leaseId != 0) {
                client.getLeaseClient().revoke(leaseId).get(timeoutMillis, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.debug("giving up leadership: {}", e.toString());
        }
        fencing = 0;
    }
}
