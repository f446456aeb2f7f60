package io.fulcrum.cluster.member;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * This node's own registration: its {@link Member} record written under its
 * {@link NodeLease}, again whenever a new lease is granted. Leaving on purpose is two
 * writes, so the others can tell it from a crash: {@code draining} first (no new traffic),
 * then {@code leaving}, then the lease is revoked.
 *
 * <p>Runs on the cluster thread.
 */
public final class Registration {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    /** The JSON form of members (ISO-8601 times). */
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Client client;
    private final ClusterKeys keys;
    private final NodeLease lease;
    private final Duration requestTimeout;
    private volatile Member self;

    public Registration(Client client, ClusterKeys keys, NodeLease lease, Member self, Duration requestTimeout) {
        this.client = client;
        this.keys = keys;
        this.lease = lease;
        this.self = self;
        this.requestTimeout = requestTimeout;
        lease.onGranted(this::write);
    }

    /** What this node registers now. */
    public Member self() {
        return self;
    }

    /**
     * Registers what the node says of itself now (after a reload moved a listener), keeping
     * its state and the time it registered; writes only when something changed.
     */
    public void update(Member now) {
        Member next = new Member(now.id(), now.roles(), now.site(), now.host(), now.addresses(), now.capacity(),
                now.version(), self.state(), self.registeredAt());
        if (!next.equals(self)) {
            self = next;
            write(lease.id());
        }
    }

    /** Announces that the node is leaving on purpose: it takes no new traffic from now on. */
    public void drain() {
        self = self.withState(Member.DRAINING);
        write(lease.id());
    }

    /** Deregisters: {@code leaving}, then the lease is revoked (the key goes with it). */
    public void leave() {
        self = self.withState(Member.LEAVING);
        write(lease.id());
        lease.revoke();
    }

    private void write(long leaseId) {
        if (leaseId == 0) {
            return; // no lease now; written when the next one is granted
        }
        ByteSequence key = keys.member(self.id());
        try {
            ByteSequence value = ByteSequence.from(JSON.writeValueAsBytes(self));
            client.getKVClient().put(key, value, PutOption.builder().withLeaseId(leaseId).build())
                    .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("cluster: registered {} as {} (lease {})", self.id(), self.state(), Long.toHexString(leaseId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // The next lease granted writes it again; a lease that stays valid keeps the last write.
            LOG.warn("cluster: registering {} as {} failed: {}", self.id(), self.state(), e.toString());
        }
    }
}
