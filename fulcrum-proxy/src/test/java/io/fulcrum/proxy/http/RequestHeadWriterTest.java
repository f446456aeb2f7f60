package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RequestHeadWriter} writes exactly what Netty's encoder writes, or leaves the request to it. */
class RequestHeadWriterTest {

    private static String netty(HttpRequest r) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestEncoder());
        ch.writeOutbound(r, LastHttpContent.EMPTY_LAST_CONTENT);
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        ch.finishAndReleaseAll();
        return sb.toString();
    }

    private static String ours(HttpRequest r) {
        ByteBuf b = RequestHeadWriter.encode(r, ByteBufAllocator.DEFAULT);
        if (b == null) {
            return null;
        }
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    @Test
    void sameBytesAsNettysEncoder() {
        DefaultHttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a/b?c=d&e=%20");
        r.headers().add("Host", "example.com").add("X-Forwarded-For", "10.0.0.1, 127.0.0.1")
                .add("Cookie", "a=1").add("Cookie", "b=2").add("X-Latin", "caf\u00e9")
                .add("X-Wide", "\u0141").add("X-Empty", "");
        assertThat(ours(r)).isEqualTo(netty(r)).startsWith("GET /a/b?c=d&e=%20 HTTP/1.1\r\nHost: example.com\r\n")
                .contains("X-Latin: caf\u00e9\r\n").contains("X-Wide: ?\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void manyLargeHeadersGrowTheScratchBuffer() {
        DefaultHttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/" + "p".repeat(5000));
        for (int i = 0; i < 40; i++) {
            r.headers().add("X-H" + i, "v".repeat(1000));
        }
        assertThat(ours(r)).isEqualTo(netty(r));
    }

    @Test
    void unusualUrisAreLeftToTheEncoder() {
        assertThat(ours(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://h"))).isNull();
        assertThat(ours(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, ""))).isNull();
        assertThat(ours(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/caf\u00e9"))).isNull();
        assertThat(ours(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, "*"))).isNull();
    }
}
