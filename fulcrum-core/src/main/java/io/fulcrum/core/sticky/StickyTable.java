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

    /**
     * Told about the bindings this table makes itself (not those it takes from peers), so that
     * they can be copied to peer proxies: every {@link #store}, and a hit that has moved the
     * expiry by more than half the timeout since the binding was last told (so a peer's copy
     * never expires while the client is still active here, without one message per request).
     * Called on the caller's thread (an event loop): it must not block.
     */
    @FunctionalInterface
    public interface Replication {
        /**
         * @param key            the client key
         * @param backend        the backend it is bound to
         * @param expiresAtNanos {@link System#nanoTime()} value at which the entry expires here
         */
        void bound(String key, Backend backend, long expiresAtNanos);
    }

    /** Expiry of an entry that has been removed; a live expiry is never this value. */
    private static final long DEAD = Long.MIN_VALUE;

    private final ConcurrentHashMap<String, Slot> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Backend, Integer> counts = new ConcurrentHashMap<>();
    private volatile Replication replication;

    /** An empty table. */
    public StickyTable() {
    }

    /** Tells {@code r} about every binding made here from now on ({@code null}: nobody). */
    public void replicateTo(Replication r) {
        this.replication = r;
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
            if (fresh - e <= 0) {
                return slot.backend;
            }
            if (slot.cas(e, fresh)) {
                Replication r = replication;
                if (r != null && fresh - slot.announcedUntil > timeoutNanos / 2) {
                    slot.announcedUntil = fresh;
                    r.bound(key, slot.backend, fresh);
                }
                return slot.backend;
            }
        }
    }

    /** Binds {@code key} to {@code backend} until {@code nowNanos + timeoutNanos}, replacing any previous entry. */
    public void store(String key, Backend backend, long nowNanos, long timeoutNanos) {
        long e = expiry(nowNanos, timeoutNanos);
        put(key, new Slot(backend, e));
        Replication r = replication;
        if (r != null) {
            r.bound(key, backend, e);
        }
    }

    /**
     * Takes a binding a peer proxy made (it is not told to {@link Replication} again). The
     * peer's binding is the newer one and replaces any other; a binding to the same backend
     * only ever moves the expiry later.
     *
     * @param expiresAtNanos {@link System#nanoTime()} value (of this process) at which it expires
     */
    public void storeReplica(String key, Backend backend, long expiresAtNanos) {
        long e = expiresAtNanos == DEAD ? expiresAtNanos + 1 : expiresAtNanos;
        Slot current = entries.get(key);
        if (current != null && current.backend == backend) {
            while (true) {
                long was = current.expiresAt;
                if (was == DEAD) {
                    break; // ended meanwhile: bind afresh below
                }
                if (e - was <= 0 || current.cas(was, e)) {
                    if (e - current.announcedUntil > 0) {
                        current.announcedUntil = e;
                    }
                    return;
                }
            }
        }
        Slot slot = new Slot(backend, e);
        slot.announcedUntil = e;
        put(key, slot);
    }

    private void put(String key, Slot slot) {
        counts.merge(slot.backend, 1, Integer::sum);
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
        /** The expiry last told to {@link Replication} or taken from a peer (racy: a lost update only re-tells). */
        long announcedUntil;

        Slot(Backend backend, long expiresAt) {
            this.backend = backend;
            this.expiresAt = expiresAt;
            this.announcedUntil = expiresAt;
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
