package io.fulcrum.cluster.sticky;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sticky peer channel's messages: what is written reads back, and malformed input is refused. */
class StickyFrameTest {

    private static DataInputStream in(ByteArrayOutputStream bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void helloEntriesAndSyncedReadBack() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        StickyFrame.writeHello(out);
        new StickyFrame("web/all", "0123abcd", "a", 599_000).write(out);
        StickyFrame.writeSynced(out);
        DataInputStream in = in(bytes);
        StickyFrame.readHello(in);
        assertThat(StickyFrame.read(in)).isEqualTo(new StickyFrame("web/all", "0123abcd", "a", 599_000));
        assertThat(StickyFrame.read(in)).isNull();
    }

    @Test
    void malformedInputIsRefused() throws IOException {
        assertThatThrownBy(() -> StickyFrame.readHello(new DataInputStream(new ByteArrayInputStream(
                "GET / HTTP/1.1\r\n".getBytes())))).hasMessageContaining("bad hello");

        ByteArrayOutputStream unknown = new ByteArrayOutputStream();
        unknown.write(7);
        assertThatThrownBy(() -> StickyFrame.read(in(unknown))).hasMessageContaining("unknown sticky peer message type 7");

        ByteArrayOutputStream negative = new ByteArrayOutputStream();
        new StickyFrame("web/all", "k", "a", -1).write(new DataOutputStream(negative));
        assertThatThrownBy(() -> StickyFrame.read(in(negative))).hasMessageContaining("negative");

        ByteArrayOutputStream longKey = new ByteArrayOutputStream();
        new StickyFrame("web/all", "k".repeat(StickyFrame.MAX_TEXT + 1), "a", 1).write(new DataOutputStream(longKey));
        assertThatThrownBy(() -> StickyFrame.read(in(longKey))).hasMessageContaining("longer than");

        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        new StickyFrame("web/all", "k", "a", 1).write(new DataOutputStream(cut));
        byte[] half = java.util.Arrays.copyOf(cut.toByteArray(), cut.size() - 3);
        assertThatThrownBy(() -> StickyFrame.read(new DataInputStream(new ByteArrayInputStream(half))))
                .isInstanceOf(java.io.EOFException.class);
    }
}
