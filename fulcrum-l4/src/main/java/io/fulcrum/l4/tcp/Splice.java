package io.fulcrum.l4.tcp;

import io.fulcrum.l4.table.FlowEntry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollMode;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Zero-copy relay with Linux {@code splice(2)} through Netty's epoll transport: the bytes go
 * socket → pipe → socket inside the kernel. Netty's splice needs level-triggered epoll on both
 * channels and reading turned on; it splices until end of input, which then reaches the relay
 * handlers as usual (so half-close still passes on).
 *
 * <p>What the JVM no longer sees: byte counts and activity. The table entry is marked spliced,
 * which exempts it from the idle and stale timeouts (TCP keep-alive and the peers' own
 * timeouts apply instead); the FIN timeout still applies after a FIN.
 */
final class Splice {

    private static final int CHUNK = 64 * 1024;

    private Splice() {
    }

    /**
     * Moves what the kernel still holds for {@code from} after its peer's FIN to {@code to}'s
     * outbound queue (behind the splice writes already queued). Netty ends splicing as soon as it
     * sees the peer's FIN (EPOLLRDHUP), possibly before every byte was spliced; the socket still
     * holds them and they are readable until end of stream.
     */
    static void drain(AbstractEpollStreamChannel from, Channel to) {
        ByteBuf buf = to.alloc().directBuffer(CHUNK);
        try {
            while (true) {
                ByteBuffer nio = buf.internalNioBuffer(buf.writerIndex(), buf.writableBytes());
                int n = from.fd().read(nio, nio.position(), nio.limit());
                if (n <= 0) {
                    break; // -1: end of stream; 0: nothing more for now
                }
                buf.writerIndex(buf.writerIndex() + n);
                if (!buf.isWritable()) {
                    to.write(buf, to.voidPromise());
                    buf = to.alloc().directBuffer(CHUNK);
                }
            }
        } catch (IOException e) {
            // the socket failed: what was read so far still goes out
        }
        if (buf.isReadable()) {
            to.write(buf, to.voidPromise());
        } else {
            buf.release();
        }
    }

    static void start(AbstractEpollStreamChannel client, AbstractEpollStreamChannel backend, FlowEntry entry) {
        if (!client.isActive() || !backend.isActive()) {
            return;
        }
        entry.spliced();
        client.config().setEpollMode(EpollMode.LEVEL_TRIGGERED);
        backend.config().setEpollMode(EpollMode.LEVEL_TRIGGERED);
        client.spliceTo(backend, Integer.MAX_VALUE);
        backend.spliceTo(client, Integer.MAX_VALUE);
        client.config().setAutoRead(true);
        backend.config().setAutoRead(true);
    }
}
