package io.fulcrum.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ResponseFramer} on its own: a keep-alive stream of responses of every framing, cut
 * at every possible point (and byte by byte), always yields the same heads, bodies and trailers.
 */
class ResponseFramerTest {

    private static final String STREAM = "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\n\r\nhello"
            + "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\n\r\n"
            + "3\r\nabc\r\n10;x=y\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
            + "HTTP/1.0 200 OK\nContent-Length: 2\n\nok";

    /** One response as the framer reported it. */
    private record Seen(int status, String body, String trailers) {
    }

    /** A framer that awaits {@code responses} final responses (as if that many requests had been sent). */
    private static ResponseFramer expecting(BackendConnection conn, int responses) {
        ResponseFramer framer = new ResponseFramer(conn);
        for (int i = 0; i < responses; i++) {
            framer.expectResponse();
        }
        return framer;
    }

    private static List<Seen> frame(List<byte[]> reads) {
        EmbeddedChannel ch = new EmbeddedChannel(expecting(new BackendConnection(null, null), 4));
        for (byte[] r : reads) {
            ch.writeInbound(Unpooled.wrappedBuffer(r));
        }
        List<Seen> seen = new ArrayList<>();
        int status = -1;
        StringBuilder body = new StringBuilder();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof ResponseHead h) {
                assertThat(h.invalid).isNull();
                status = h.status;
                body.setLength(0);
                if (h.body != null) { // a whole response in one message
                    seen.add(new Seen(status, new String(h.body, StandardCharsets.ISO_8859_1), ""));
                }
            } else if (m instanceof HttpContent c) {
                body.append(c.content().toString(StandardCharsets.ISO_8859_1));
                String trailers = "";
                if (c instanceof LastHttpContent last) {
                    assertThat(last.decoderResult().isSuccess()).isTrue();
                    trailers = last.trailingHeaders().isEmpty() ? "" : last.trailingHeaders().toString();
                    seen.add(new Seen(status, body.toString(), trailers));
                }
                c.release();
            }
        }
        ch.finishAndReleaseAll();
        return seen;
    }

    private static List<Seen> expected() {
        return frame(List.of(STREAM.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void theWholeStreamInOneRead() {
        List<Seen> seen = expected();
        assertThat(seen).extracting(Seen::status).containsExactly(200, 103, 201, 204, 200);
        assertThat(seen).extracting(Seen::body).containsExactly("hello", "", "abc0123456789abcdef", "", "ok");
        assertThat(seen.get(2).trailers()).contains("X-T: 1").contains("X-U: 2");
    }

    @Test
    void everyCutInTwoGivesTheSameResponses() {
        byte[] all = STREAM.getBytes(StandardCharsets.ISO_8859_1);
        List<Seen> whole = expected();
        for (int cut = 1; cut < all.length; cut++) {
            byte[] a = java.util.Arrays.copyOfRange(all, 0, cut);
            byte[] b = java.util.Arrays.copyOfRange(all, cut, all.length);
            assertThat(frame(List.of(a, b))).as("cut at " + cut).isEqualTo(whole);
        }
    }

    @Test
    void byteByByteGivesTheSameResponses() {
        byte[] all = STREAM.getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> reads = new ArrayList<>();
        for (byte b : all) {
            reads.add(new byte[] {b});
        }
        assertThat(frame(reads)).isEqualTo(expected());
    }

    @Test
    void theHeadKnowsItsFramingAndHopByHopLines() {
        EmbeddedChannel ch = new EmbeddedChannel(expecting(new BackendConnection(null, null), 1));
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, X-Hop\r\nX-Hop: 1\r\n"
                + "Content-Length: 3\r\nKeep-Alive: timeout=5\r\nX-Keep: 2\r\n\r\nabc", StandardCharsets.ISO_8859_1));
        ResponseHead h = ch.readInbound();
        assertThat(h.status).isEqualTo(200);
        assertThat(h.contentLength).isEqualTo(3);
        assertThat(h.connectionKeepAlive).isTrue();
        assertThat(h.connectionClose).isFalse();
        List<Boolean> hop = new ArrayList<>();
        for (int i = 0; i < h.lineCount; i++) {
            hop.add(h.hopByHop(i));
        }
        assertThat(hop).containsExactly(true, true, false, true, false);
        HttpResponse decoded = h.toHttpResponse();
        assertThat(decoded.headers().get("x-keep")).isEqualTo("2");
        assertThat(decoded.status().reasonPhrase()).isEqualTo("OK");
        ch.finishAndReleaseAll();
    }

    @Test
    void aHeadRequestsResponseHasNoBodyWhateverItsLength() {
        BackendConnection conn = new BackendConnection(null, null);
        conn.headRequest = true;
        EmbeddedChannel ch = new EmbeddedChannel(expecting(conn, 1));
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        ResponseHead h = ch.readInbound();
        assertThat(h.body).isEmpty();
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void aLargeOrIncompleteBodyFollowsInParts() {
        EmbeddedChannel ch = new EmbeddedChannel(expecting(new BackendConnection(null, null), 2));
        String big = "x".repeat(5000);
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + big
                + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab", StandardCharsets.ISO_8859_1));
        ResponseHead first = ch.readInbound();
        assertThat(first.body).isNull();
        LastHttpContent last = ch.readInbound();
        assertThat(last.content().readableBytes()).isEqualTo(5000);
        last.release();
        ResponseHead second = ch.readInbound();
        assertThat(second.body).isNull();
        HttpContent part = ch.readInbound();
        assertThat(part.content().toString(StandardCharsets.ISO_8859_1)).isEqualTo("ab");
        part.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aBadChunkSizeIsAFailedLastPart() {
        EmbeddedChannel ch = new EmbeddedChannel(expecting(new BackendConnection(null, null), 1));
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                StandardCharsets.ISO_8859_1));
        assertThat((Object) ch.readInbound()).isInstanceOf(ResponseHead.class);
        LastHttpContent last = ch.readInbound();
        assertThat(last.decoderResult().isFailure()).isTrue();
        last.release();
        ch.finishAndReleaseAll();
    }

    /** Issue 24 item 2: what comes after a complete response cannot be the next request's answer. */
    @Test
    void bytesAfterACompleteResponseAreSeenAndCloseTheConnection() {
        BackendConnection conn = new BackendConnection(null, null);
        ResponseFramer framer = expecting(conn, 1);
        List<Boolean> unreadAtHead = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(framer, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                unreadAtHead.add(framer.hasUnreadBytes());
                ctx.fireChannelRead(msg);
            }
        });
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged", StandardCharsets.ISO_8859_1));
        ResponseHead first = ch.readInbound();
        assertThat(new String(first.body, StandardCharsets.ISO_8859_1)).isEqualTo("ok");
        assertThat(unreadAtHead).containsExactly(true); // the pool is told not to keep the connection
        assertThat((Object) ch.readInbound()).isNull(); // the unsolicited response is never delivered
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    /** Issue 24 item 6: only known codings, chunked once and last; anything else is an invalid head (502). */
    @Test
    void unknownOrMisplacedTransferCodingsMakeAnInvalidHead() {
        for (String te : List.of("Transfer-Encoding: xchunked", "Transfer-Encoding: gzip",
                "Transfer-Encoding: chunked, gzip", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
                "Transfer-Encoding: identity, chunked", "Transfer-Encoding: chunked;q=1")) {
            assertThat(headFor(te).invalid).as(te).isNotNull();
        }
        for (String te : List.of("Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked",
                "Transfer-Encoding: gzip\r\nTransfer-Encoding: Chunked")) {
            ResponseHead h = headFor(te);
            assertThat(h.invalid).as(te).isNull();
            assertThat(h.chunked).as(te).isTrue();
        }
    }

    private static ResponseHead headFor(String teLines) {
        EmbeddedChannel ch = new EmbeddedChannel(expecting(new BackendConnection(null, null), 1));
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n" + teLines + "\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        ResponseHead h = ch.readInbound();
        ch.finishAndReleaseAll();
        return h;
    }

    /** Issue 24 item 6: a chunk line is size, well-formed extensions and CRLF, nothing else. */
    @Test
    void aChunkLineMustEndWithCrlfAndHoldOnlyWellFormedExtensions() {
        for (String bad : List.of("5;a\nb\r\nhello\r\n0\r\n\r\n", "5\nhello\r\n0\r\n\r\n",
                "5;a\u0001\r\nhello\r\n0\r\n\r\n", "5;\r\nhello\r\n0\r\n\r\n", "5 x\r\nhello\r\n0\r\n\r\n",
                "5\r\nhello\n0\r\n\r\n")) {
            assertThat(chunkedBody(bad)).as(bad).isNull();
        }
        assertThat(chunkedBody("5 ; a=b ;c=\"x;\\\"y\"\r\nhello\r\n0\r\n\r\n")).isEqualTo("hello");
    }

    /** The de-chunked body, or null when the framer reported a malformed body. */
    private static String chunkedBody(String body) {
        EmbeddedChannel ch = new EmbeddedChannel(expecting(new BackendConnection(null, null), 1));
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
                StandardCharsets.ISO_8859_1));
        assertThat((Object) ch.readInbound()).isInstanceOf(ResponseHead.class);
        StringBuilder sb = new StringBuilder();
        boolean failed = false;
        Object m;
        while ((m = ch.readInbound()) != null) {
            HttpContent c = (HttpContent) m;
            failed |= c.decoderResult().isFailure();
            sb.append(c.content().toString(StandardCharsets.ISO_8859_1));
            c.release();
        }
        ch.finishAndReleaseAll();
        return failed ? null : sb.toString();
    }
}
