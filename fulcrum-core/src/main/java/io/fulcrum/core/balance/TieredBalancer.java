package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

/**
 * The {@link LoadBalancer} every algorithm is served through: the algorithm over
 * the primary backends, then the same algorithm over the backup backends when no
 * primary is selectable. This is the only place that knows about backups.
 */
final class TieredBalancer implements LoadBalancer {

    private final String name;
    private final Selector primary;
    private final Selector backup;

    TieredBalancer(String name, Selector primary, Selector backup) {
        this.name = name;
        this.primary = primary;
        this.backup = backup;
    }

    @Override
    public Backend pick(PickContext ctx) {
        long now = ctx.nowNanos();
        Backend b = primary.select(ctx, now);
        return b != null ? b : backup.select(ctx, now);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "LoadBalancer[" + name + "]";
    }
}
