package io.fulcrum.proxy;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * An epoll event loop's wait strategy that looks for ready sockets a few more times
 * (non-blocking {@code epoll_wait}) before it goes to sleep ({@code server.idleSpinPolls}).
 *
 * <p>Why: when a loop sleeps between two events a few microseconds apart, whoever produces the
 * next event (a client, a backend, on loopback the process on the other end) pays for waking
 * it, and on a virtual machine an idle CPU has to be woken too. A loop that handles a steady
 * stream of short connections is out of work many times a second for a few microseconds each;
 * looking again for some tens of microseconds keeps it awake across most of those gaps, as a
 * busier C proxy is. When nothing comes the loop sleeps as before, so an idle server costs one
 * short burst of polls per wake-up. The L4 benchmark (docs/benchmarks.md) shows the effect.
 */
final class SpinThenSleep implements SelectStrategy {

    private final int polls;

    /** @param polls non-blocking polls before sleeping ({@code > 0}) */
    SpinThenSleep(int polls) {
        this.polls = polls;
    }

    @Override
    public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return selectSupplier.get(); // Netty's default: look without waiting, then run the tasks
        }
        for (int i = 0; i < polls; i++) {
            int ready = selectSupplier.get();
            if (ready > 0) {
                return ready;
            }
        }
        return SelectStrategy.SELECT;
    }
}
