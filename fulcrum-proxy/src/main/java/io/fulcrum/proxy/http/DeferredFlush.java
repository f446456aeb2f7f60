package io.fulcrum.proxy.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Arrays;

/**
 * Flushes channels at the end of the event loop's current round instead of at once.
 *
 * <p>Why: one round of an event loop handles every socket that became readable; flushing
 * each write as soon as it is made wakes the peer (a backend, a client) once per message,
 * and each wake-up costs a cross-CPU interrupt and a context switch. Flushing all the
 * round's writes together, after its I/O, lets the peers find several messages per
 * wake-up. The flush runs as an event-loop task, which Netty runs right after the round's
 * I/O, so no message waits for more than that round.
 *
 * <p>One instance per event-loop thread; used only from that thread.
 */
final class DeferredFlush implements Runnable {

    private static final FastThreadLocal<DeferredFlush> PER_LOOP = new FastThreadLocal<>() {
        @Override
        protected DeferredFlush initialValue() {
            return new DeferredFlush();
        }
    };

    private Channel[] pending = new Channel[64];
    private int size;
    private boolean scheduled;

    private DeferredFlush() {
    }

    /** Flushes {@code channel} at the end of this round (at once when not called on its event loop). */
    static void flushLater(Channel channel) {
        if (channel.eventLoop().inEventLoop()) {
            PER_LOOP.get().add(channel);
        } else {
            channel.flush();
        }
    }

    private void add(Channel channel) {
        int n = size;
        if (n > 0 && pending[n - 1] == channel) {
            return; // the common repeat: the same channel written twice in a row
        }
        if (n == pending.length) {
            pending = Arrays.copyOf(pending, n * 2);
        }
        pending[n] = channel;
        size = n + 1;
        if (!scheduled) {
            scheduled = true;
            channel.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        // Flushing may make further writes (a failed write closes a channel, say): they are
        // appended and flushed in this same pass, so the task stays scheduled until the end.
        for (int i = 0; i < size; i++) {
            Channel c = pending[i];
            pending[i] = null;
            c.flush();
        }
        size = 0;
        scheduled = false;
    }
}
