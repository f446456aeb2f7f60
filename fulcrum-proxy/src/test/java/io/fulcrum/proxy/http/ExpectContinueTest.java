package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The Expect rules and the proxy's own 100; the socket tests send real uploads through it. */
class ExpectContinueTest {

    @Test
    void onlyAnHttp11ContinueExpectationIsMet() {
        assertThat(ExpectContinue.of(null, false)).isEqualTo(ExpectContinue.NONE);
        assertThat(ExpectContinue.of(null, true)).isEqualTo(ExpectContinue.NONE);
        assertThat(ExpectContinue.of("100-continue", false)).isEqualTo(ExpectContinue.CONTINUE);
        assertThat(ExpectContinue.of("100-Continue", false)).isEqualTo(ExpectContinue.CONTINUE);
        assertThat(ExpectContinue.of("100-continue", true)).as("HTTP/1.0 knows no 1xx")
                .isEqualTo(ExpectContinue.REFUSE);
        assertThat(ExpectContinue.of("something-else", false)).isEqualTo(ExpectContinue.REFUSE);
    }

    @Test
    void theBackendsOwn100IsDroppedOtherInterimResponsesGoOn() {
        assertThat(ExpectContinue.forwards(100)).isFalse();
        assertThat(ExpectContinue.forwards(103)).isTrue();
        assertThat(ExpectContinue.forwards(102)).isTrue();
    }

    @Test
    void the100GoesOutAtOnceThroughTheClientsEncoder() {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseEncoder(), new ChannelInboundHandlerAdapter());
        ExpectContinue.send(client.pipeline().lastContext());
        ByteBuf out = client.readOutbound(); // flushed: no flush by the test
        try {
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        } finally {
            out.release();
        }
        Object more;
        while ((more = client.readOutbound()) != null) {
            assertThat(more).isInstanceOfSatisfying(ByteBuf.class, b -> {
                assertThat(b.readableBytes()).isZero();
                b.release();
            });
        }
        assertThat(client.finish()).isFalse();
    }
}
