package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;

/**
 * The two groups every algorithm balances over, one after the other: primary
 * backends ({@code UP}) first, backup backends only when no primary can take the
 * request. Tables are built over a tier's members; each pick still checks that
 * the chosen backend is selectable right now (ejection and capacity change
 * without a table rebuild).
 */
enum Tier {
    PRIMARY(BackendState.UP),
    BACKUP(BackendState.BACKUP);

    private final BackendState state;

    Tier(BackendState state) {
        this.state = state;
    }

    /** Whether {@code b} belongs in this tier's tables (state only; weight is checked by {@link Members}). */
    boolean member(Backend b) {
        return b.state() == state;
    }

    /** Whether {@code b} may take a new request from this tier now. */
    boolean selectable(Backend b, long nowNanos) {
        return this == PRIMARY ? b.isSelectable(nowNanos) : b.isSelectableBackup(nowNanos);
    }
}
