package io.fulcrum.proxy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * How large a buffer each socket read of the proxy's connections gets.
 *
 * <p>Netty's adaptive sizing shrinks its guess towards the size of recent reads, down to
 * 64 bytes by default. When a message's size equals the guess exactly (a 160-byte response
 * read into a 160-byte buffer), the read looks like it may have stopped short, and a second
 * read is made that only returns {@code EAGAIN}: one wasted system call for about one in
 * eight small responses in the HTTP benchmark. A 512-byte floor keeps typical request and
 * response heads well under the guess; the buffer is pooled and released after each read,
 * so the larger floor costs no memory per idle connection.
 */
public final class ReadSizing {

    /** The read-buffer sizing for client and backend connections: 512 bytes to 64 KiB, 2 KiB to start. */
    public static final RecvByteBufAllocator PROXY = new AdaptiveRecvByteBufAllocator(512, 2048, 65536);

    private ReadSizing() {
    }
}
