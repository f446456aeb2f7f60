package io.fulcrum.gslb.peer;

import io.fulcrum.gslb.handoff.HandoffTable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireCodecTest {

    private static final PeerKey KEY = new PeerKey("k1", "fra", "0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8));
    private static final PeerKey OTHER = new PeerKey("k1", "fra", "another-secret-0123456".getBytes(StandardCharsets.UTF_8));

    private static SiteMessage update(long seq, long now) {
        SiteReport r = new SiteReport(List.of("lon", "ams"),
                List.of(new SiteReport.VipTime("lon", "10.0.0.1:80", 12.5, true),
                        new SiteReport.VipTime("ams", "10.0.1.1:80", Double.NaN, false)),
                List.of(new SiteReport.VipCapacity("10.0.2.1:80", 40, 100)), 123_456_789L, false);
        return new SiteMessage(MessageType.UPDATE, "fra", now, seq, "", r, null);
    }

    @Test
    void roundTripsEveryType() throws Exception {
        long now = System.currentTimeMillis();
        SiteMessage u = update(7, now);
        SiteMessage got = WireCodec.decode(WireCodec.encode(u, KEY), Map.of("k1", KEY)::get).message();
        assertThat(got.type()).isEqualTo(MessageType.UPDATE);
        assertThat(got.report().preferences()).containsExactly("lon", "ams");
        assertThat(got.report().responseTimes().getFirst().millis()).isEqualTo(12.5);
        assertThat(got.report().responseTimes().get(1).millis()).isNaN();
        assertThat(got.report().capacity()).containsExactly(new SiteReport.VipCapacity("10.0.2.1:80", 40, 100));
        assertThat(got.report().freeMemoryBytes()).isEqualTo(123_456_789L);
        assertThat(got.sequence()).isEqualTo(7);

        SiteMessage e = new SiteMessage(MessageType.EVENT, "fra", now, 8, "site lon unreachable", u.report(), null);
        assertThat(WireCodec.decode(WireCodec.encode(e, KEY), Map.of("k1", KEY)::get).message().reason())
                .isEqualTo("site lon unreachable");

        HandoffTable table = new HandoffTable(List.of(new HandoffTable.Row("lon", 12, 0.6),
                new HandoffTable.Row("ams", 8, 0.4)));
        SiteMessage t = new SiteMessage(MessageType.TABLE, "fra", now, 9, "", null, table);
        assertThat(WireCodec.decode(WireCodec.encode(t, KEY), Map.of("k1", KEY)::get).message().table())
                .isEqualTo(table);
    }

    @Test
    void refusesBadSignaturesUnknownKeysAndGarbage() {
        byte[] data = WireCodec.encode(update(1, System.currentTimeMillis()), KEY);
        assertThatThrownBy(() -> WireCodec.decode(data, Map.of("k1", OTHER)::get))
                .isInstanceOfSatisfying(MessageRejected.class,
                        e -> assertThat(e.reason()).isEqualTo(DropReason.BAD_SIGNATURE));
        assertThatThrownBy(() -> WireCodec.decode(data, Map.<String, PeerKey>of()::get))
                .isInstanceOfSatisfying(MessageRejected.class,
                        e -> assertThat(e.reason()).isEqualTo(DropReason.UNKNOWN_KEY));
        for (int i = 0; i < data.length; i++) {
            byte[] flipped = data.clone();
            flipped[i] ^= 0x01;
            assertThatThrownBy(() -> WireCodec.decode(flipped, Map.of("k1", KEY)::get))
                    .as("byte %d flipped", i).isInstanceOf(MessageRejected.class);
        }
        assertThatThrownBy(() -> WireCodec.decode("hello".getBytes(StandardCharsets.UTF_8), Map.of("k1", KEY)::get))
                .isInstanceOfSatisfying(MessageRejected.class,
                        e -> assertThat(e.reason()).isEqualTo(DropReason.MALFORMED));
        for (int len = 0; len < data.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(data, len);
            assertThatThrownBy(() -> WireCodec.decode(cut, Map.of("k1", KEY)::get)).isInstanceOf(MessageRejected.class);
        }
    }

    @Test
    void theReplayWindowAcceptsEachSequenceOnceAndOnlyFreshTimestamps() throws Exception {
        long now = System.currentTimeMillis();
        ReplayWindow w = new ReplayWindow(30_000);
        w.accept("k1", update(100, now), now);
        w.accept("k1", update(102, now), now);
        w.accept("k1", update(101, now), now); // reordered, still new
        for (long seq : new long[] {100, 101, 102, 30}) {
            assertThatThrownBy(() -> w.accept("k1", update(seq, now), now))
                    .isInstanceOfSatisfying(MessageRejected.class,
                            e -> assertThat(e.reason()).isEqualTo(DropReason.REPLAYED));
        }
        assertThatThrownBy(() -> w.accept("k1", update(500, now - 60_000), now))
                .isInstanceOfSatisfying(MessageRejected.class, e -> assertThat(e.reason()).isEqualTo(DropReason.STALE));
        w.accept("k2", update(100, now), now); // another key has its own window
    }

    @Test
    void keysNeverShowTheirSecret() {
        assertThat(KEY.toString()).doesNotContain("secret-").contains("****");
    }
}
