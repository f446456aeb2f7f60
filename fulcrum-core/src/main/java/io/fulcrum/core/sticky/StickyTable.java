package io.fulcrum.core.sticky;

import io.fulcrum.core.backend.Backend;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Session stickiness (requirements 2.1 items 5 and 6): client key to backend, each entry
 * living until {@code timeout} after its last use.
 *
 * <p>Thread-safe. {@link #lookup} allocates nothing: a hit moves the entry's
 * expiry in place with one compare-and-set. Every entry ends exactly once, by
 * whoever marks it dead (expired lookup, purge, replacement, backend removal),
 * and only that caller removes it from the map and decrements its backend's
 * count, so {@link #countFor} stays exact without scanning.
 *
 * <p>{@link #countFor} and {@link #size} include entries that have expired but
 * not yet been looked up or purged; call {@link #purgeExpired} first when that
 * matters (drain reporting does it on every tick anyway).
 */
public final class StickyTable {

    /**
     * One entry, as seen by {@link #snapshot()}.
     *
     * @param key            the client key (e.g. host name + client IP)
     * @param backend        the backend the client sticks to
     * @param expiresAtNanos {@link System#nanoTime()} value at which the entry expires
     */
    public record Entry(String key, Backend backend, long expiresAtNanos) {
    }

    /** Expiry of an entry that has been removed; a live expiry is never this value. */
    private static final long DEAD = Long.MIN_VALUE;

    private final ConcurrentHashMap<String, Slot> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Backend, Integer> counts = new ConcurrentHashMap<>();

    /** An empty table. */
    public StickyTable() {
    }

    /**
     * Hit: returns the backend and moves the expiry to {@code nowNanos + timeoutNanos}.
     * Expired entry: removed, returns {@code null}. Miss: {@code null}.
     *
     * <p>The caller still decides whether the backend may serve the session
     * ({@link Backend#acceptsStickySession}); if not, it picks again and
     * {@link #store}s the new choice over this entry.
     */
    public Backend lookup(String key, long nowNanos, long timeoutNanos) {
        Slot slot = entries.get(key);
        if (slot == null) {
            return null;
        }
        long fresh = expiry(nowNanos, timeoutNanos);
        while (true) {
            long e = slot.expiresAt;
            if (e == DEAD) {
                return null;
            }
            if (nowNanos - e >= 0) {
                if (slot.kill(e)) {
                    end(key, slot);
                    return null;
                }
                continue; // refreshed or killed meanwhile: look again
            }
            // Never move an expiry backwards (a concurrent hit may have read a later clock).
            if (fresh - e <= 0 || slot.cas(e, fresh)) {
                return slot.backend;
            }
        }
    }

    /** Binds {@code key} to {@code backend} until {@code nowNanos + timeoutNanos}, replacing any previous entry. */
    public void store(String key, Backend backend, long nowNanos, long timeoutNanos) {
        Slot slot = new Slot(backend, expiry(nowNanos, timeoutNanos));
        counts.merge(backend, 1, Integer::sum);
        Slot old = entries.put(key, slot);
        if (old != null && old.killAny()) {
            release(old.backend);
        }
    }

    /** Removes every entry that has expired at {@code nowNanos}; returns how many it removed. O(size). */
    public int purgeExpired(long nowNanos) {
        int removed = 0;
        for (Map.Entry<String, Slot> en : entries.entrySet()) {
            Slot slot = en.getValue();
            long e = slot.expiresAt;
            if (e != DEAD && nowNanos - e >= 0 && slot.kill(e)) {
                end(en.getKey(), slot);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Removes every entry bound to {@code backend} (it failed: its clients move to
     * another backend on their next request); returns how many it removed. O(size).
     */
    public int removeBackend(Backend backend) {
        int removed = 0;
        for (Map.Entry<String, Slot> en : entries.entrySet()) {
            Slot slot = en.getValue();
            if (slot.backend == backend && slot.killAny()) {
                end(en.getKey(), slot);
                removed++;
            }
        }
        return removed;
    }

    /** Entries bound to {@code backend} (for drain reporting). O(1). */
    public int countFor(Backend backend) {
        Integer c = counts.get(backend);
        return c == null ? 0 : c;
    }

    /** Number of entries. */
    public int size() {
        return entries.size();
    }

    /** A copy of the live entries, for inspection. O(size). */
    public List<Entry> snapshot() {
        List<Entry> out = new ArrayList<>(entries.size());
        for (Map.Entry<String, Slot> en : entries.entrySet()) {
            long e = en.getValue().expiresAt;
            if (e != DEAD) {
                out.add(new Entry(en.getKey(), en.getValue().backend, e));
            }
        }
        return List.copyOf(out);
    }

    private static long expiry(long nowNanos, long timeoutNanos) {
        long e = nowNanos + timeoutNanos;
        return e == DEAD ? e + 1 : e;
    }

    /** The caller killed {@code slot}: take it out of the map (unless replaced already) and count it off. */
    private void end(String key, Slot slot) {
        entries.remove(key, slot);
        release(slot.backend);
    }

    private void release(Backend backend) {
        counts.computeIfPresent(backend, (b, c) -> c <= 1 ? null : c - 1);
    }

    /** A backend and a mutable expiry; mutating in place keeps hits allocation-free. */
    private static final class Slot {
        private static final VarHandle EXPIRES;

        static {
            try {
                EXPIRES = MethodHandles.lookup().findVarHandle(Slot.class, "expiresAt", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Backend backend;
        volatile long expiresAt;

        Slot(Backend backend, long expiresAt) {
            this.backend = backend;
            this.expiresAt = expiresAt;
        }

        boolean cas(long expected, long value) {
            return EXPIRES.compareAndSet(this, expected, value);
        }

        /** Marks the slot dead if its expiry is still {@code seen}; true when this call killed it. */
        boolean kill(long seen) {
            return cas(seen, DEAD);
        }

        /** Marks the slot dead whatever its expiry; true when this call killed it. */
        boolean killAny() {
            while (true) {
                long e = expiresAt;
                if (e == DEAD) {
                    return false;
                }
                if (cas(e, DEAD)) {
                    return true;
                }
            }
        }
    }
}
