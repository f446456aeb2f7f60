package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The way into a tunnel, on {@link EmbeddedChannel}s standing for the client and backend
 * connections; {@link UpgradeTunnelTest} and {@link ConnectTunnelTest} go through it over sockets.
 */
class TunnelSwitchTest {

    private final List<TunnelRelay> closed = new ArrayList<>();
    private final TunnelRelay.Owner owner = closed::add;

    private static HeaderScan scanOf(HttpHeaders h) {
        HeaderScan s = new HeaderScan();
        s.scan(h);
        return s;
    }

    @Test
    void onlyABodilessHttp11GetThatListsUpgradeInConnectionAsksToSwitch() {
        HttpHeaders ws = new DefaultHttpHeaders().add("Connection", "keep-alive, Upgrade").add("Upgrade", "websocket");
        assertThat(TunnelSwitch.requested(scanOf(ws), false, false, HttpMethod.GET)).isEqualTo("websocket");
        assertThat(TunnelSwitch.requested(scanOf(ws), true, false, HttpMethod.GET)).as("HTTP/1.0").isNull();
        assertThat(TunnelSwitch.requested(scanOf(ws), false, true, HttpMethod.GET)).as("a body").isNull();
        assertThat(TunnelSwitch.requested(scanOf(ws), false, false, HttpMethod.POST)).as("POST").isNull();
        HttpHeaders notListed = new DefaultHttpHeaders().add("Upgrade", "websocket");
        assertThat(TunnelSwitch.requested(scanOf(notListed), false, false, HttpMethod.GET)).isNull();
    }

    @Test
    void theBackendsSwitchReachesTheClientWithoutHopByHopOrFramingHeaders() {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.SWITCHING_PROTOCOLS);
        r.headers().add("Connection", "Upgrade, X-Hop").add("X-Hop", "secret").add("Upgrade", "websocket")
                .add("Content-Length", "0").add("Sec-WebSocket-Accept", "abc").add("Keep-Alive", "timeout=5");
        TunnelSwitch.acceptedSwitch(r, new HeaderScan(), "ignored");
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseEncoder());
        client.writeOutbound(r, LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(readAll(client)).isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                + "Sec-WebSocket-Accept: abc\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n");
        client.finishAndReleaseAll();
    }

    @Test
    void aSwitchWithoutUpgradeHeaderKeepsTheProtocolAskedFor() {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        TunnelSwitch.acceptedSwitch(r, new HeaderScan(), "h2c-not-really");
        assertThat(r.headers().get("upgrade")).isEqualTo("h2c-not-really");
    }

    @Test
    void afterASwitchBothHttpCodecsGoAndBytesFlowBothWays() {
        EmbeddedChannel client = new EmbeddedChannel();
        client.pipeline().addLast("marker", new ChannelInboundHandlerAdapter())
                .addLast("codec", new ChannelInboundHandlerAdapter());
        EmbeddedChannel backend = new EmbeddedChannel();
        backend.pipeline().addLast("codec", new ChannelInboundHandlerAdapter());
        TunnelRelay t = TunnelSwitch.installAfterSwitch(client, backend, 0, owner);
        assertThat(client.pipeline().names()).doesNotContain("marker", "codec").contains("tunnel");
        assertThat(backend.pipeline().names()).doesNotContain("codec").contains("tunnel");

        client.writeInbound(bytes("held until the start"));
        assertThat((Object) backend.readOutbound()).isNull();
        t.start();
        assertThat(readAll(backend)).isEqualTo("held until the start");

        client.writeInbound(bytes("ping"));
        assertThat(readAll(backend)).isEqualTo("ping");
        backend.writeInbound(bytes("pong"));
        assertThat(readAll(client)).isEqualTo("pong");
        assertThat(t.bytesFromClient()).isEqualTo("held until the start".length() + 4);
        assertThat(t.bytesFromBackend()).isEqualTo(4);

        client.close();
        assertThat(backend.isActive()).as("one side closed closes the other").isFalse();
        assertThat(closed).containsExactly(t);
    }

    @Test
    void afterAConnectWhatTheClientSentEarlyGoesFirstAndTheBackendHasNoCodecToRemove() {
        ByteBuf answer = TunnelSwitch.connectEstablished();
        assertThat(answer.toString(StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 Connection established\r\n\r\n");
        answer.release();

        EmbeddedChannel client = new EmbeddedChannel();
        client.pipeline().addLast("marker", new ChannelInboundHandlerAdapter())
                .addLast("codec", new ChannelInboundHandlerAdapter());
        EmbeddedChannel backend = new EmbeddedChannel();
        ArrayDeque<Object> early = new ArrayDeque<>();
        early.add(bytes("\u0016\u0003\u0001 client hello"));
        early.add(LastHttpContent.EMPTY_LAST_CONTENT); // not bytes: released, not relayed
        TunnelRelay t = TunnelSwitch.installAfterConnect(client, backend, 0, owner, early);
        assertThat(backend.pipeline().names()).contains("tunnel");
        t.start();
        assertThat(readAll(backend)).isEqualTo("\u0016\u0003\u0001 client hello");
        backend.writeInbound(bytes("server hello"));
        assertThat(readAll(client)).isEqualTo("server hello");

        backend.close();
        assertThat(client.isActive()).isFalse();
        assertThat(closed).containsExactly(t);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Everything written to {@code ch} so far, as text; the buffers are released. */
    private static String readAll(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }
}
