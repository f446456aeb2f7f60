package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.List;
import java.util.function.Predicate;

/**
 * What every algorithm instance of one balancer shares: the pool's backends,
 * its weight bound and its change watch.
 *
 * @param backends    the pool's backends, in configuration order
 * @param weightBound cap applied to every weight
 * @param watch       moves when any backend changes
 */
record PoolView(List<Backend> backends, int weightBound, ChangeWatch watch) {

    static final Predicate<Backend> ALL = b -> true;

    /** A lazily rebuilt table over the members of {@code tier} that pass {@code subset}. */
    <T> LazyTable<T> table(Tier tier, Predicate<Backend> subset, LazyTable.Builder<T> builder) {
        return new LazyTable<>(backends, tier, subset, weightBound, watch, builder);
    }

    /** A lazily rebuilt table over all members of {@code tier}. */
    <T> LazyTable<T> table(Tier tier, LazyTable.Builder<T> builder) {
        return table(tier, ALL, builder);
    }

    /** Just the members of {@code tier}, for algorithms that scan them. */
    LazyTable<Members> members(Tier tier) {
        return table(tier, ALL, (members, previous) -> members);
    }
}
