package io.fulcrum.cluster.controller;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.fulcrum.cluster.election.Leadership;
import io.fulcrum.cluster.etcd.EtcdClients;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records only the leader writes, each under a key of its own, read with their version (the key's mod
 * revision) and replaced by compare-and-swap: a write applies only if the key's mod revision is still
 * the one read (0: the key does not exist yet) <em>and</em> the leader key's create revision is still
 * this leader's fencing token, both compared by etcd in one transaction. So two leaders (one deposed
 * that has not noticed) never both write, and a write never overwrites one it did not see. The
 * autoscaler's intents live here ({@link ControllerKeys#scaleIntent}). Records any member writes (the
 * operator's autoscaler settings, {@link ControllerKeys#scaleOperator}) are replaced the same way without
 * the fence ({@link #replaceByAnyMember}).
 *
 * <p>Calls block, each bounded by the request timeout; callers are not event loops.
 */
public final class FencedRecords {

    /** A record and its version; {@code value} is null and the version 0 when there is none. */
    public record Versioned(byte[] value, long version) {
    }

    /** etcd could not be asked (unreachable, timed out). */
    public static final class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Client client;
    private final Leadership leadership;
    private final ByteSequence fenceKey;
    private final long timeoutMillis;

    public FencedRecords(Client client, Leadership leadership, Duration requestTimeout) {
        this.client = client;
        this.leadership = leadership;
        this.fenceKey = EtcdClients.bytes(leadership.leaderKey());
        this.timeoutMillis = requestTimeout.toMillis();
    }

    /** The record at {@code key} now (a linearizable read). */
    public Versioned read(String key) throws Unavailable {
        try {
            var got = client.getKVClient().get(EtcdClients.bytes(key)).get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (got.getKvs().isEmpty()) {
                return new Versioned(null, 0);
            }
            KeyValue kv = got.getKvs().getFirst();
            return new Versioned(kv.getValue().getBytes(), kv.getModRevision());
        } catch (ExecutionException | TimeoutException e) {
            throw new Unavailable("etcd: reading " + key + " failed: " + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
    }

    /**
     * Replaces the record at {@code key} if it still has {@code version} and this node still leads.
     *
     * @return the new version, or 0 when the compare failed (another write came first, or another node leads)
     */
    public long replace(String key, long version, String json) throws Unavailable {
        long term = leadership.fencingRevision();
        if (term == 0) {
            return 0;
        }
        return commit(key, version, json, new Cmp(fenceKey, Cmp.Op.EQUAL, CmpTarget.createRevision(term)));
    }

    /**
     * Replaces the record at {@code key} if it still has {@code version}, whichever node leads: for the
     * records any member writes.
     *
     * @return the new version, or 0 when another write came first
     */
    public long replaceByAnyMember(String key, long version, String json) throws Unavailable {
        return commit(key, version, json);
    }

    private long commit(String key, long version, String json, Cmp... also) throws Unavailable {
        ByteSequence k = EtcdClients.bytes(key);
        Cmp[] cmps = java.util.Arrays.copyOf(also, also.length + 1);
        cmps[also.length] = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(version));
        try {
            TxnResponse r = client.getKVClient().txn()
                    .If(cmps)
                    .Then(Op.put(k, ByteSequence.from(json, StandardCharsets.UTF_8), PutOption.DEFAULT))
                    .commit().get(timeoutMillis, TimeUnit.MILLISECONDS);
            return r.isSucceeded() ? r.getHeader().getRevision() : 0;
        } catch (ExecutionException | TimeoutException e) {
            throw new Unavailable("etcd: writing " + key + " failed: " + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
    }
}
