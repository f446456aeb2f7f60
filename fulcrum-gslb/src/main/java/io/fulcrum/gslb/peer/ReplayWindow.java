package io.fulcrum.gslb.peer;

import java.util.HashMap;
import java.util.Map;

/**
 * Replay protection: a message is accepted once, and only while its timestamp is within
 * the allowed clock skew. Per (key id, sender), the highest sequence seen plus a 64-entry
 * bitmap below it (the sliding window of IPsec), so reordered datagrams still pass but no
 * sequence passes twice. Senders start their sequence at their start time in microseconds,
 * so a restarted peer continues above its old numbers.
 *
 * <p>Thread-safe (one lock; a few operations per datagram).
 */
public final class ReplayWindow {

    /** Entries kept below the highest sequence. */
    static final int WIDTH = 64;
    /** Most (key, sender) pairs tracked; the command line's queries come and go. */
    static final int MAX_SENDERS = 4096;

    private final long maxSkewMillis;
    private final Map<String, long[]> windows = new HashMap<>();

    public ReplayWindow(long maxSkewMillis) {
        this.maxSkewMillis = maxSkewMillis;
    }

    /**
     * Accepts the message (and remembers its sequence) or says why not.
     *
     * @throws MessageRejected {@link DropReason#STALE} or {@link DropReason#REPLAYED}
     */
    public void accept(String keyId, SiteMessage m, long nowMillis) throws MessageRejected {
        long skew = Math.abs(nowMillis - m.timestampMillis());
        if (skew > maxSkewMillis) {
            throw new MessageRejected(DropReason.STALE, "timestamp " + skew + " ms away from this clock");
        }
        String id = keyId + '\0' + m.sender();
        long seq = m.sequence();
        synchronized (windows) {
            long[] w = windows.get(id); // [highest, bitmap]
            if (w == null) {
                if (windows.size() >= MAX_SENDERS) {
                    windows.clear(); // stale timestamps are refused anyway: forgetting old senders is safe
                }
                windows.put(id, new long[] {seq, 1L});
                return;
            }
            long highest = w[0];
            if (seq > highest) {
                long shift = seq - highest;
                w[1] = shift >= WIDTH ? 1L : (w[1] << shift) | 1L;
                w[0] = seq;
                return;
            }
            long back = highest - seq;
            if (back >= WIDTH) {
                throw new MessageRejected(DropReason.REPLAYED, "sequence " + seq + " older than the window");
            }
            long bit = 1L << back;
            if ((w[1] & bit) != 0) {
                throw new MessageRejected(DropReason.REPLAYED, "sequence " + seq + " already seen");
            }
            w[1] |= bit;
        }
    }
}
