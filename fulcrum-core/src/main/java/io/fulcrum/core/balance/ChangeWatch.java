package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendListener;

import java.lang.ref.WeakReference;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A generation number that moves whenever any backend of a pool changes in a
 * way that matters for selection (state, weight, ejection, locality). Balancers
 * compare it with the generation their tables were built at: one volatile read
 * per pick instead of reading every backend's version.
 *
 * <p>Backends outlive configuration snapshots, balancers do not; the listener
 * only holds the watch weakly, so a discarded balancer is collected and its
 * listener unregisters itself at the backend's next change.
 */
final class ChangeWatch {

    private final AtomicLong generation = new AtomicLong();

    private ChangeWatch() {
    }

    /** A watch registered on every backend of {@code backends}. */
    static ChangeWatch over(Collection<Backend> backends) {
        ChangeWatch watch = new ChangeWatch();
        WeakListener listener = new WeakListener(watch);
        for (Backend b : backends) {
            b.addListener(listener);
        }
        return watch;
    }

    long generation() {
        return generation.get();
    }

    private static final class WeakListener implements BackendListener {
        private final WeakReference<ChangeWatch> ref;

        WeakListener(ChangeWatch watch) {
            this.ref = new WeakReference<>(watch);
        }

        @Override
        public void backendChanged(Backend backend) {
            ChangeWatch watch = ref.get();
            if (watch == null) {
                backend.removeListener(this);
            } else {
                watch.generation.incrementAndGet();
            }
        }
    }
}
