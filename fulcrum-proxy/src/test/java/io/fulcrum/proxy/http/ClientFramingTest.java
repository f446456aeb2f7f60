package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.fulcrum.proxy.http.ClientFraming.ADD_CHUNKED;
import static io.fulcrum.proxy.http.ClientFraming.CHUNKED_BODY;
import static io.fulcrum.proxy.http.ClientFraming.CLOSE;
import static io.fulcrum.proxy.http.ClientFraming.DROP_CODING;
import static io.fulcrum.proxy.http.ClientFraming.DROP_LENGTH;
import static io.fulcrum.proxy.http.ClientFraming.KEEP_ALIVE;
import static org.assertj.core.api.Assertions.assertThat;

/** The framing decision alone; {@link RawResponseRelayTest} covers both paths over real sockets. */
class ClientFramingTest {

    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    @Test
    void aContentLengthResponseIsPassedAsItIs() {
        assertThat(ClientFraming.decide(false, 200, false, false, false, false)).isZero();
        assertThat(ClientFraming.decide(false, 200, false, false, false, true)).isEqualTo(CLOSE);
    }

    @Test
    void aChunkedBodyIsReChunkedAndATransferCodingDropsTheLength() {
        assertThat(ClientFraming.decide(false, 200, true, true, false, false)).isEqualTo(DROP_LENGTH | CHUNKED_BODY);
    }

    @Test
    void aBodyReadToTheCloseGetsChunkedForHttp11() {
        assertThat(ClientFraming.decide(false, 200, true, false, false, false))
                .isEqualTo(DROP_LENGTH | CHUNKED_BODY | ADD_CHUNKED);
    }

    @Test
    void anHttp10ClientReadsAnUnknownLengthToTheClose() {
        assertThat(ClientFraming.decide(false, 200, true, true, true, false)).isEqualTo(DROP_LENGTH | DROP_CODING | CLOSE);
    }

    @Test
    void anHttp10ClientKeepsItsConnectionWhenTheLengthIsKnown() {
        assertThat(ClientFraming.decide(false, 200, false, false, true, false)).isEqualTo(KEEP_ALIVE);
        assertThat(ClientFraming.decide(false, 200, false, false, true, true)).isEqualTo(CLOSE);
    }

    @Test
    void headRequestsAnd304HaveNoBodyToFrame() {
        assertThat(ClientFraming.decide(true, 200, true, false, false, false)).isZero();
        assertThat(ClientFraming.decide(false, 304, true, false, true, false)).isEqualTo(KEEP_ALIVE);
    }

    @Test
    void a204LosesBothFramingHeaders() {
        assertThat(ClientFraming.decide(false, 204, false, false, false, false)).isEqualTo(DROP_LENGTH | DROP_CODING);
        assertThat(ClientFraming.decide(false, 204, true, true, false, false)).isEqualTo(DROP_LENGTH | DROP_CODING);
    }

    @Test
    void theRawHeadDropsHopByHopAndOverriddenFramingLinesAndAddsItsOwn() {
        ResponseHead head = parse("HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: 1\r\nContent-Length: 3\r\n"
                + "Transfer-Encoding: chunked\r\nX-Keep: yes\r\n\r\n");
        ByteBuf out = ALLOC.buffer();
        ClientFraming.writeHead(head, ClientFraming.decide(false, 200, true, head.chunked, false, false), out);
        assertThat(text(out)).isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Keep: yes\r\n");

        ResponseHead toClose = parse("HTTP/1.1 200 OK\r\nX-Keep: yes\r\n\r\n");
        ByteBuf chunked = ALLOC.buffer();
        ClientFraming.writeHead(toClose, ClientFraming.decide(false, 200, true, false, false, false), chunked);
        assertThat(text(chunked)).isEqualTo("HTTP/1.1 200 OK\r\nX-Keep: yes\r\ntransfer-encoding: chunked\r\n");
    }

    @Test
    void theRawHeadTellsAnHttp10ClientToKeepOrClose() {
        ResponseHead head = parse("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        ByteBuf keep = ALLOC.buffer();
        ClientFraming.writeHead(head, ClientFraming.decide(false, 204, false, false, true, false), keep);
        assertThat(text(keep)).isEqualTo("HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n");
        ByteBuf close = ALLOC.buffer();
        ClientFraming.writeHead(head, ClientFraming.decide(false, 204, false, false, true, true), close);
        assertThat(text(close)).isEqualTo("HTTP/1.1 204 No Content\r\nconnection: close\r\n");
    }

    @Test
    void theDecodedPathAppliesTheSameDecision() {
        HttpHeaders h = new DefaultHttpHeaders().add("Content-Length", "3").add("Transfer-Encoding", "gzip")
                .add("X-Keep", "yes");
        HeaderScan scan = new HeaderScan();
        scan.scan(h);
        ClientFraming.apply(ClientFraming.decide(false, 200, true, scan.chunked(), false, true), h, scan);
        assertThat(h.get("content-length")).isNull();
        assertThat(h.get("transfer-encoding")).isEqualTo("chunked");
        assertThat(h.get("connection")).isEqualTo("close");
        assertThat(h.get("x-keep")).isEqualTo("yes");

        HttpHeaders old = new DefaultHttpHeaders().add("Transfer-Encoding", "chunked");
        HeaderScan oldScan = new HeaderScan();
        oldScan.scan(old);
        ClientFraming.apply(ClientFraming.decide(false, 200, true, true, true, false), old, oldScan);
        assertThat(old.get("transfer-encoding")).as("an HTTP/1.0 client reads to the close").isNull();
        assertThat(old.get("connection")).isEqualTo("close");
    }

    private static ResponseHead parse(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        ResponseHead h = ResponseHead.parse(b, b.length);
        assertThat(h.invalid).isNull();
        return h;
    }

    @Test
    void chunksAreSizedInHexAndClosedBeforeTheNext() {
        assertThat(text(ClientFraming.chunkStart(ALLOC, 26, false))).isEqualTo("1a\r\n");
        assertThat(text(ClientFraming.chunkStart(ALLOC, 5, true))).isEqualTo("\r\n5\r\n");
    }

    @Test
    void theLastChunkCarriesTheTrailers() {
        assertThat(text(ClientFraming.lastChunk(ALLOC, new DefaultHttpHeaders(), false))).isEqualTo("0\r\n\r\n");
        HttpHeaders trailers = new DefaultHttpHeaders().add("X-Sum", "abc").add("X-Count", "2");
        assertThat(text(ClientFraming.lastChunk(ALLOC, trailers, true)))
                .isEqualTo("\r\n0\r\nX-Sum: abc\r\nX-Count: 2\r\n\r\n");
    }

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }
}
