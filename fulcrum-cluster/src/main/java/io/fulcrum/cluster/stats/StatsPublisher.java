package io.fulcrum.cluster.stats;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * Publishes this node's statistics every interval to {@code <prefix>/stats/<node>}, under a
 * lease of its own that each publication renews: when the node dies, the lease expires
 * within its TTL and etcd deletes the key, so the leader stops counting a dead node's load.
 * etcd being unreachable only skips publications (logged once per outage).
 */
public final class StatsPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatsPublisher.class);

    private final Client client;
    private final ByteSequence key;
    private final LongFunction<NodeStats> collect;
    private final long intervalMillis;
    private final long ttlSeconds;
    private final long timeoutMillis;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fulcrum-stats-publisher").daemon(true).unstarted(r));
    private final LongAdder bytesPublished = new LongAdder();
    private final LongAdder publications = new LongAdder();
    private long leaseId;
    private boolean failing;

    /**
     * @param client   the etcd client
     * @param key      where this node's statistics go
     * @param collect  makes one interval's statistics, given the wall clock in milliseconds
     * @param interval how often
     * @param ttl      the lease's time-to-live
     * @param requestTimeout how long one etcd call may take
     */
    public StatsPublisher(Client client, String key, LongFunction<NodeStats> collect, Duration interval,
                          Duration ttl, Duration requestTimeout) {
        this.client = client;
        this.key = ByteSequence.from(key, java.nio.charset.StandardCharsets.UTF_8);
        this.collect = collect;
        this.intervalMillis = interval.toMillis();
        this.ttlSeconds = Math.max(2, ttl.toSeconds());
        this.timeoutMillis = Math.min(requestTimeout.toMillis(), Math.max(100, intervalMillis));
    }

    /** Starts publishing. */
    public StatsPublisher start() {
        collect.apply(System.currentTimeMillis()); // sets the baseline: the first publication is one whole interval
        thread.scheduleAtFixedRate(this::publishOnce, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Bytes of statistics written so far (for the statistics traffic per node). */
    public long bytesPublished() {
        return bytesPublished.sum();
    }

    /** Publications written so far. */
    public long publications() {
        return publications.sum();
    }

    private void publishOnce() {
        try {
            byte[] data = StatsCodec.encode(collect.apply(System.currentTimeMillis()));
            if (leaseId == 0) {
                leaseId = client.getLeaseClient().grant(ttlSeconds).get(timeoutMillis, TimeUnit.MILLISECONDS).getID();
            } else {
                // The put below does not renew the lease; a lease that has expired meanwhile is granted anew.
                long left = client.getLeaseClient().keepAliveOnce(leaseId)
                        .get(timeoutMillis, TimeUnit.MILLISECONDS).getTTL();
                if (left <= 0) {
                    leaseId = client.getLeaseClient().grant(ttlSeconds).get(timeoutMillis, TimeUnit.MILLISECONDS).getID();
                }
            }
            client.getKVClient().put(key, ByteSequence.from(data), PutOption.builder().withLeaseId(leaseId).build())
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            bytesPublished.add(data.length);
            publications.increment();
            if (failing) {
                LOG.info("statistics published again");
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            leaseId = 0; // a lease that cannot be renewed may be gone: take a new one next time
            if (!failing) {
                LOG.warn("statistics not published (etcd unreachable?): {}", e.toString());
                failing = true;
            }
        }
    }

    /** Stops publishing and revokes the lease, so the statistics disappear at once. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
            if (leaseId != 0) {
                client.getLeaseClient().revoke(leaseId).get(timeoutMillis, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.debug("revoking the statistics lease: {}", e.toString());
        }
    }
}
