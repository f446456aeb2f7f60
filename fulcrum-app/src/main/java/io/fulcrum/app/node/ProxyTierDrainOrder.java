package io.fulcrum.app.node;

import io.fulcrum.cluster.controller.FencedRecords;
import io.fulcrum.scale.ScaleFleet;
import io.fulcrum.scale.ScaleIntent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What every proxy node does for the proxy tier's scale-in: each second it reads the tier's intent
 * ({@code <prefix>/scale/proxies}), and once the leader names this node {@code draining} (or
 * {@code stopping}) it registers draining, once: the GSLB tier stops answering with it, and the
 * connections it has finish before the leader stops it.
 */
final class ProxyTierDrainOrder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyTierDrainOrder.class);
    private static final Set<String> LEAVING = Set.of(ScaleIntent.DRAINING, ScaleIntent.STOPPING);

    private final String self;
    private final FleetView view;
    private final Runnable drain;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fulcrum-proxy-tier-drain").daemon(true).unstarted(r));
    private boolean drained;

    /**
     * @param self  this node's id
     * @param drain registers this node draining
     */
    ProxyTierDrainOrder(String self, FleetView view, Runnable drain) {
        this.self = self;
        this.view = view;
        this.drain = drain;
    }

    ProxyTierDrainOrder start() {
        thread.scheduleWithFixedDelay(this::look, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    private void look() {
        if (drained) {
            return;
        }
        try {
            FencedRecords.Versioned v = FleetProxyTier.readIntent(view);
            if (v.value() == null) {
                return;
            }
            ScaleIntent intent = ScaleIntent.fromJson(v.value());
            boolean named = intent.members().stream().anyMatch(e -> e.member() != null
                    && e.member().name().equals(self) && LEAVING.contains(e.state()));
            if (named) {
                drained = true;
                drain.run();
            }
        } catch (ScaleFleet.Unavailable | IllegalArgumentException e) {
            LOG.debug("proxy tier: reading the intent failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
