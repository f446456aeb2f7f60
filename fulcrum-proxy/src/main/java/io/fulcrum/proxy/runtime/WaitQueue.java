package io.fulcrum.proxy.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded queue of requests waiting for a backend slot when every eligible
 * backend of a pool is at its max connections. Shared by all event loops; a
 * waiter is woken on its own event loop.
 */
public final class WaitQueue {

    /** A queued request. */
    public interface Waiter {
        /** Called on any thread when a slot may have freed; the waiter hops to its own event loop. */
        void wake();

        /** True once the waiter gave up (timed out, client gone); cancelled waiters are skipped. */
        boolean isDone();
    }

    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private volatile int capacity;
    /** The most requests that waited at once (for the stats page). */
    private final AtomicInteger maxSize = new AtomicInteger();

    public WaitQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Adds a waiter; false when the queue is full (the caller answers 503). */
    public boolean offer(Waiter w) {
        int n = size.incrementAndGet();
        if (n > capacity) {
            size.decrementAndGet();
            return false;
        }
        int max = maxSize.get();
        while (n > max && !maxSize.compareAndSet(max, n)) {
            max = maxSize.get();
        }
        waiters.add(w);
        return true;
    }

    /** A backend of the pool freed a slot: wake the oldest live waiter, if any. */
    public void slotFreed() {
        if (size.get() == 0) {
            return;
        }
        Waiter w;
        while ((w = waiters.poll()) != null) {
            size.decrementAndGet();
            if (!w.isDone()) {
                w.wake();
                return;
            }
        }
    }

    /** Removes a waiter that gave up. */
    public void remove(Waiter w) {
        if (waiters.remove(w)) {
            size.decrementAndGet();
        }
    }

    /** Changes the bound (on reload); waiters already queued stay. */
    public void setCapacity(int capacity) {
        this.capacity = capacity;
    }

    public int size() {
        return size.get();
    }

    /** The most requests that waited at once since the pool was first compiled. */
    public int maxSize() {
        return maxSize.get();
    }

    /** The bound: requests that may wait at once. */
    public int capacity() {
        return capacity;
    }
}
