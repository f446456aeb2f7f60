package io.fulcrum.proxy.http;

import io.fulcrum.core.backend.Backend;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * Reads {@code TCP_INFO} (smoothed RTT, total retransmissions) from a backend connection's
 * socket and folds it into its {@link Backend}, at most once per {@link #INTERVAL_NANOS}
 * per connection: one {@code getsockopt} call, non-blocking, on the connection's event loop.
 *
 * <p>The epoll and io_uring transports expose it ({@code EpollSocketChannel.tcpInfo()},
 * {@code IoUringSocketChannel.tcpInfo()}); NIO does not, and its backends show no RTT.
 */
final class TcpInfoSampler {

    /** Readings of one connection are at least this far apart. */
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private long lastReadNanos;
    private long lastTotalRetrans = -1;

    /** Reads TCP_INFO of {@code channel} if the last reading is old enough and the transport gives it. */
    void maybeSample(Channel channel, Backend backend, long nowNanos) {
        if (lastTotalRetrans >= 0 && nowNanos - lastReadNanos < INTERVAL_NANOS) {
            return;
        }
        lastReadNanos = nowNanos;
        long rtt;
        long total;
        try {
            if (channel instanceof EpollSocketChannel e) {
                var info = e.tcpInfo();
                rtt = info.rtt();
                total = info.totalRetrans();
            } else if (channel instanceof IoUringSocketChannel u) {
                var info = u.tcpInfo();
                rtt = info.rtt();
                total = info.totalRetrans();
            } else {
                lastTotalRetrans = 0; // NIO: nothing to read; checked again only after the interval
                return;
            }
        } catch (RuntimeException closed) {
            return; // the socket closed meanwhile: nothing to read
        }
        long fresh = lastTotalRetrans < 0 ? total : Math.max(0, total - lastTotalRetrans);
        lastTotalRetrans = total;
        backend.recordTcpInfo(rtt, fresh);
    }
}
