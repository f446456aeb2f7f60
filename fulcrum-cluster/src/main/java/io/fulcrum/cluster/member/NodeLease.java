package io.fulcrum.cluster.member;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * This node's etcd lease: everything the node holds in etcd (its registration, the
 * leader key) is attached to it, so a node that dies lets go of all of it when the lease
 * expires. It is kept alive with one keep-alive every third of its TTL, on the cluster's
 * own thread; when etcd says the lease is gone (it expired while etcd was out of reach),
 * a new one is granted and the holders put their keys back ({@link #onGranted}).
 *
 * <p>{@link #validUntilNanos()} is when the lease may expire at the latest as far as this
 * node knows: the time the last successful keep-alive was <em>sent</em>, plus the TTL. A
 * leader stops acting at that moment even if etcd cannot be asked.
 *
 * <p>All methods but the getters run on the cluster thread.
 */
public final class NodeLease {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLease.class);

    private final Client client;
    private final Duration ttl;
    private final Duration requestTimeout;
    private final ScheduledExecutorService clock;
    private final List<LongConsumer> granted = new CopyOnWriteArrayList<>();
    private final List<Runnable> lost = new CopyOnWriteArrayList<>();
    private volatile long id;
    private volatile long validUntilNanos;
    private ScheduledFuture<?> ticks;
    private boolean closed;

    /**
     * @param clock the cluster's single thread: keep-alives and callbacks run on it
     */
    public NodeLease(Client client, Duration ttl, Duration requestTimeout, ScheduledExecutorService clock) {
        this.client = client;
        this.ttl = ttl;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    /** Calls {@code holder} with the lease id every time a lease is granted (the first, and after a loss). */
    public void onGranted(LongConsumer holder) {
        granted.add(holder);
    }

    /** Calls {@code holder} when the lease is gone or may be (etcd unreachable for a whole TTL). */
    public void onLost(Runnable holder) {
        lost.add(holder);
    }

    /** Starts granting and keeping alive (the first grant is tried at once, then every tick until it works). */
    public void start() {
        long period = Math.max(200, ttl.toMillis() / 3);
        clock.execute(this::tick);
        ticks = clock.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** The lease now held, or 0 when none is. */
    public long id() {
        return id;
    }

    /** The TTL it is granted with. */
    public Duration ttl() {
        return ttl;
    }

    /** Whether the lease is held and surely not expired yet. */
    public boolean held() {
        return id != 0 && System.nanoTime() - validUntilNanos < 0;
    }

    /** {@link System#nanoTime()} after which the lease may have expired. */
    public long validUntilNanos() {
        return validUntilNanos;
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            if (id == 0) {
                grant();
            } else {
                keepAlive();
            }
        } catch (RuntimeException e) {
            LOG.warn("cluster lease: {}", e.toString());
        }
    }

    private void grant() {
        long sent = System.nanoTime();
        long newId;
        try {
            newId = client.getLeaseClient().grant(ttl.toSeconds())
                    .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).getID();
        } catch (Exception e) {
            LOG.debug("cluster lease: grant failed: {}", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        id = newId;
        validUntilNanos = sent + ttl.toNanos();
        LOG.info("cluster lease {} granted ({}s)", Long.toHexString(newId), ttl.toSeconds());
        for (LongConsumer holder : granted) {
            try {
                holder.accept(newId);
            } catch (RuntimeException e) {
                LOG.warn("cluster lease holder failed: {}", e.toString());
            }
        }
    }

    private void keepAlive() {
        long sent = System.nanoTime();
        try {
            LeaseKeepAliveResponse r = client.getLeaseClient().keepAliveOnce(id)
                    .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r.getTTL() > 0) {
                validUntilNanos = sent + ttl.toNanos();
                return;
            }
            loseLease("etcd no longer knows lease " + Long.toHexString(id));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            String text = String.valueOf(e.getMessage());
            if (text.contains("lease not found")) {
                loseLease("etcd no longer knows lease " + Long.toHexString(id));
            } else if (System.nanoTime() - validUntilNanos >= 0) {
                loseLease("no keep-alive for lease " + Long.toHexString(id) + " within " + ttl.toSeconds()
                        + "s (" + e.getClass().getSimpleName() + ")");
            } else {
                LOG.debug("cluster lease: keep-alive failed: {}", e.toString());
            }
        }
    }

    private void loseLease(String why) {
        LOG.warn("cluster lease lost: {}; a new one is granted when etcd answers", why);
        id = 0;
        for (Runnable holder : lost) {
            try {
                holder.run();
            } catch (RuntimeException e) {
                LOG.warn("cluster lease holder failed: {}", e.toString());
            }
        }
        grant();
    }

    /**
     * Revokes the lease (everything attached to it is deleted at once) and stops keeping
     * it alive. On the cluster thread; waits at most the request timeout.
     */
    public void revoke() {
        closed = true;
        if (ticks != null) {
            ticks.cancel(false);
        }
        long held = id;
        id = 0;
        if (held == 0) {
            return;
        }
        try {
            client.getLeaseClient().revoke(held).get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("cluster lease {} not revoked ({}): it expires within {}s", Long.toHexString(held), e.toString(),
                    ttl.toSeconds());
        }
    }
}
