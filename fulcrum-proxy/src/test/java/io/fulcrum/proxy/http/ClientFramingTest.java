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
