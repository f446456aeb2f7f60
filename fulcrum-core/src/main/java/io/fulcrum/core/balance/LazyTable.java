package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A precomputed structure (schedule, lookup table, ring...) over a tier's
 * {@link Members}, rebuilt lazily on the first pick after the pool's
 * {@link ChangeWatch} moved.
 *
 * <p>The common path is two volatile reads. One thread rebuilds while the others
 * keep using the previous table: that is safe because every pick re-checks that
 * its backend is selectable, and it keeps event loops from queueing behind a
 * rebuild. When the members and their weights turn out unchanged (an ejection
 * bumps the generation too), the previous table is kept as it is.
 *
 * @param <T> the table type
 */
final class LazyTable<T> {

    /** Builds a table; {@code previous} is the table being replaced ({@code null} the first time). */
    @FunctionalInterface
    interface Builder<T> {
        T build(Members members, T previous);
    }

    private record Built<T>(long generation, Members members, T table) {
    }

    private final List<Backend> backends;
    private final Tier tier;
    private final Predicate<Backend> subset;
    private final int weightBound;
    private final ChangeWatch watch;
    private final Builder<T> builder;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Built<T> built;

    LazyTable(List<Backend> backends, Tier tier, Predicate<Backend> subset, int weightBound, ChangeWatch watch,
              Builder<T> builder) {
        this.backends = backends;
        this.tier = tier;
        this.subset = subset;
        this.weightBound = weightBound;
        this.watch = watch;
        this.builder = builder;
    }

    /** The current table. */
    T get() {
        Built<T> b = built;
        if (b != null && b.generation == watch.generation()) {
            return b.table;
        }
        return refresh(b);
    }

    private T refresh(Built<T> seen) {
        if (seen == null) {
            lock.lock();
        } else if (!lock.tryLock()) {
            return seen.table;
        }
        try {
            Built<T> b = built;
            // Read the generation before the backends: a change during the build moves it again.
            long generation = watch.generation();
            if (b != null && b.generation == generation) {
                return b.table;
            }
            Members members = Members.of(backends, tier, subset, weightBound);
            T table = b != null && b.members.sameAs(members) ? b.table : builder.build(members, b == null ? null : b.table);
            built = new Built<>(generation, members, table);
            return table;
        } finally {
            lock.unlock();
        }
    }
}
