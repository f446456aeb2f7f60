package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The way from an HTTP exchange into a raw byte tunnel ({@link TunnelRelay}): a protocol
 * upgrade (WebSocket or any other {@code Upgrade}) that the backend accepts with a 101, or a
 * CONNECT the listener accepted (RFC 9110 section 9.3.6). It decides which requests ask for
 * an upgrade, writes what the backend and the client are told, and swaps the HTTP handlers
 * for the relay in both pipelines. When to do it (the backend's answer, the connect) and the
 * request's accounting stay with {@link Exchange}, which owns the relay once it runs.
 */
final class TunnelSwitch {

    private static final byte[] CONNECT_ESTABLISHED = "HTTP/1.1 200 Connection established\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    /** The client pipeline's HTTP handlers (see {@link HttpProxyHandler#install}); the relay goes after the codec. */
    private static final String CLIENT_CODEC = "codec";
    private static final String[] CLIENT_HTTP = {"marker", "codec"};
    /** An HTTP backend connection's codec; a CONNECT's backend connection has none. */
    private static final String BACKEND_CODEC = "codec";
    private static final String[] BACKEND_HTTP = {"codec"};
    private static final String[] NOTHING = new String[0];

    private TunnelSwitch() {
    }

    /**
     * The protocol a request asks to switch to, or null: an HTTP/1.1 GET without a body whose
     * Connection lists {@code upgrade} and that names one in {@code Upgrade}.
     */
    static String requested(HeaderScan scan, boolean http10, boolean hasBody, HttpMethod method) {
        if (scan.upgrade != null && !http10 && !hasBody && method.equals(HttpMethod.GET)
                && scan.connectionHas("upgrade")) {
            return scan.upgrade;
        }
        return null;
    }

    /**
     * Passes the upgrade request on, after the hop-by-hop headers were removed: the only ones the
     * backend gets, since it decides whether to switch.
     */
    static void askBackend(HttpHeaders h, String protocol) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.UPGRADE, protocol);
    }

    /**
     * Makes the backend's 101 the client's: HTTP/1.1, no hop-by-hop or framing headers (nothing
     * HTTP follows), {@code Connection: upgrade} and the protocol the backend named (or else the
     * one asked for).
     *
     * @param scan      scratch space for the head's scan (the connection's response scan)
     * @param requested the protocol the client asked for
     */
    static void acceptedSwitch(HttpResponse r, HeaderScan scan, String requested) {
        HttpHeaders h = r.headers();
        scan.scan(h);
        String protocol = scan.upgrade != null ? scan.upgrade : requested;
        HeaderRewriter.removeHopByHop(h, scan);
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        h.set(HttpHeaderNames.UPGRADE, protocol);
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /**
     * After the 101 went into the client's outbound buffer: both connections get the relay and
     * lose their HTTP codecs (bytes a decoder still holds reach the relay). The owner keeps the
     * relay before {@link TunnelRelay#start()}ing it: a close seen at the start is then the tunnel's.
     */
    static TunnelRelay installAfterSwitch(Channel client, Channel backend, long idleNanos, TunnelRelay.Owner owner) {
        TunnelRelay t = new TunnelRelay(client, backend, idleNanos, owner);
        t.install(CLIENT_CODEC, CLIENT_HTTP, BACKEND_CODEC, BACKEND_HTTP);
        return t;
    }

    /** The answer to a CONNECT whose TCP connection is up: {@code 200} without framing headers. */
    static ByteBuf connectEstablished() {
        return Unpooled.wrappedBuffer(CONNECT_ESTABLISHED);
    }

    /**
     * After the CONNECT's 200 went into the client's outbound buffer: both connections get the
     * relay, and what the client sent after its CONNECT head ({@code early}, raw bytes since
     * decoding stopped; anything else in it is released) is relayed first, as it was sent. Started
     * by the owner, as {@link #installAfterSwitch}.
     *
     * @param early what was read from the client after the CONNECT, or null
     */
    static TunnelRelay installAfterConnect(Channel client, Channel backend, long idleNanos, TunnelRelay.Owner owner,
                                         ArrayDeque<Object> early) {
        TunnelRelay t = new TunnelRelay(client, backend, idleNanos, owner);
        if (early != null) {
            for (Object o : early) {
                if (o instanceof ByteBuf b) {
                    t.heldFromClient(b);
                } else {
                    ReferenceCountUtil.release(o);
                }
            }
        }
        // The backend connection has no codec: the relay goes first in its pipeline.
        t.install(CLIENT_CODEC, CLIENT_HTTP, BACKEND_CODEC, NOTHING);
        return t;
    }
}
