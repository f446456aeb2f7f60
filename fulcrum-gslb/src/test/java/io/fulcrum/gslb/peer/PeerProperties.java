package io.fulcrum.gslb.peer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PeerProperties {

    private static final PeerKey KEY = new PeerKey("k", "s", "property-secret-0123456789".getBytes(StandardCharsets.UTF_8));

    @Provide
    Arbitrary<SiteReport> reports() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20);
        Arbitrary<SiteReport.VipTime> time = Combinators.combine(names, names,
                Arbitraries.doubles().between(0, 10_000), Arbitraries.of(true, false)).as(SiteReport.VipTime::new);
        Arbitrary<SiteReport.VipCapacity> capacity = Combinators.combine(names,
                Arbitraries.longs().between(-1, 1_000_000), Arbitraries.longs().between(-1, 1_000_000))
                .as(SiteReport.VipCapacity::new);
        return Combinators.combine(names.list().ofMaxSize(16), time.list().ofMaxSize(32),
                capacity.list().ofMaxSize(8), Arbitraries.longs().greaterOrEqual(0), Arbitraries.of(true, false))
                .as(SiteReport::new);
    }

    @Property(tries = 300)
    void everyReportRoundTrips(@ForAll("reports") SiteReport report, @ForAll @LongRange(min = 0) long sequence)
            throws MessageRejected {
        SiteMessage m = new SiteMessage(MessageType.EVENT, "sender", 1_700_000_000_000L, sequence, "why: ünïcode",
                report, null);
        SiteMessage back = WireCodec.decode(WireCodec.encode(m, KEY), Map.of("k", KEY)::get).message();
        assertThat(back).isEqualTo(m);
    }

    @Property(tries = 300)
    void noSequenceIsAcceptedTwice(@ForAll @Size(max = 200) List<@LongRange(min = 0, max = 300) Long> sequences) {
        ReplayWindow w = new ReplayWindow(60_000);
        long now = System.currentTimeMillis();
        Set<Long> accepted = new HashSet<>();
        long highest = -1;
        for (long seq : sequences) {
            SiteMessage m = new SiteMessage(MessageType.UPDATE, "s", now, seq, "", null, null);
            try {
                w.accept("k", m, now);
                assertThat(accepted.add(seq)).as("sequence %d accepted twice", seq).isTrue();
                highest = Math.max(highest, seq);
            } catch (MessageRejected e) {
                // Refused only when already seen or older than the window.
                assertThat(accepted.contains(seq) || seq <= highest - ReplayWindow.WIDTH)
                        .as("sequence %d refused (highest %d)", seq, highest).isTrue();
            }
        }
    }
}
