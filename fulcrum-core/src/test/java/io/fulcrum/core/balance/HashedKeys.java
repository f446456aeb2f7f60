package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.fail;

/**
 * The consistent-hashing tests' yardstick: the same {@link #KEYS} client addresses sent
 * through a hashing selector, how many each backend got, and which keys moved between two
 * runs.
 */
final class HashedKeys {

    /** How many client addresses each run sends. */
    static final int KEYS = 100_000;

    private HashedKeys() {
    }

    /** The backend chosen for each of the fixed client addresses (the same ones on every call). */
    static Backend[] assign(Selector selector) {
        Random rnd = new Random(42);
        TestContext ctx = new TestContext();
        Backend[] out = new Backend[KEYS];
        for (int i = 0; i < KEYS; i++) {
            out[i] = selector.select(ctx.ip(rnd.nextInt()), TestContext.NOW);
        }
        return out;
    }

    /** How many keys each backend got. */
    static Map<Backend, Integer> counts(Backend[] assigned) {
        Map<Backend, Integer> counts = new IdentityHashMap<>();
        for (Backend b : assigned) {
            counts.merge(b, 1, Integer::sum);
        }
        return counts;
    }

    /**
     * How many keys moved from {@code before} to {@code after}; fails the test as soon as a
     * key moved between two backends that both stayed (it was not on {@code gone}).
     */
    static int movedOnlyFrom(Backend gone, Backend[] before, Backend[] after) {
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            if (before[i] != after[i]) {
                moved++;
                if (before[i] != gone) {
                    fail("key %d moved between survivors: %s -> %s", i, before[i], after[i]);
                }
            }
        }
        return moved;
    }
}
