package io.fulcrum.proxy.http;

import io.fulcrum.proxy.log.AccessLog;
import io.fulcrum.proxy.log.AccessRecord;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the access-log lines one HTTP/2 connection makes with streams the client abandons
 * (reset, or dropped with the connection) before their response: a "rapid reset" client
 * opens and cancels streams as fast as it can write frames, and one line each would turn a
 * few bytes from it into a line of log apiece. The first {@link #LOGGED_PER_WINDOW} such
 * streams in each one-second window are logged one by one; the rest are counted and written
 * as one summary line, when the next window starts or when the connection closes.
 *
 * <p>One per HTTP/2 client connection, used only on its event loop.
 */
public final class AbandonedStreamLog {

    /** Abandoned streams logged one by one per window and connection. */
    static final int LOGGED_PER_WINDOW = 10;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ListenerSlot slot;
    private long windowStartNanos;
    private int loggedInWindow;
    private long suppressed;
    private long suppressedSinceMillis;
    private String client;
    /** The connection's event loop once it closed, else null. */
    private Executor closedOn;
    private boolean flushPending;

    /** @param slot the listener the connection belongs to (its current access log is used) */
    public AbandonedStreamLog(ListenerSlot slot) {
        this.slot = slot;
        this.windowStartNanos = System.nanoTime();
    }

    /**
     * Whether the record of one more abandoned stream is written on its own; false when it
     * has been counted for the summary instead.
     *
     * @param client the client as the access log names it
     */
    boolean admit(long nowNanos, String client) {
        if (nowNanos - windowStartNanos >= WINDOW_NANOS) {
            flush();
            windowStartNanos = nowNanos;
            loggedInWindow = 0;
        }
        if (loggedInWindow < LOGGED_PER_WINDOW) {
            loggedInWindow++;
            return true;
        }
        if (suppressed++ == 0) {
            suppressedSinceMillis = System.currentTimeMillis();
            this.client = client;
        }
        if (closedOn != null && !flushPending) {
            // The connection is gone and its streams are ending now: one summary once they all have.
            flushPending = true;
            closedOn.execute(this::flush);
        }
        return false;
    }

    /**
     * The connection closed: what was counted is written once the streams still open, which end
     * in tasks already queued on {@code loop}, have been counted too.
     */
    public void connectionClosed(Executor loop) {
        closedOn = loop;
        flushPending = true;
        loop.execute(this::flush);
    }

    /** Writes the summary of the streams counted so far, if any. */
    void flush() {
        flushPending = false;
        if (suppressed == 0) {
            return;
        }
        long n = suppressed;
        suppressed = 0;
        AccessLog log = slot.accessLog();
        if (log != null && log.enabled()) {
            log.log(AccessRecord.summary(suppressedSinceMillis, client, slot.runtime().name(), "HTTP/2.0", 499,
                    n + " more streams abandoned by the client, not logged one by one"));
        }
    }
}
