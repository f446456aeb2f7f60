package io.fulcrum.bench;

import io.fulcrum.gslb.handoff.HandoffRotation;
import io.fulcrum.gslb.handoff.HandoffTable;
import io.fulcrum.gslb.peer.MessageRejected;
import io.fulcrum.gslb.peer.MessageType;
import io.fulcrum.gslb.peer.PeerKey;
import io.fulcrum.gslb.peer.SiteMessage;
import io.fulcrum.gslb.peer.SiteReport;
import io.fulcrum.gslb.peer.WireCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The GSLB costs that scale with the deployment: the hand-off table of 16 sites, the
 * redirect decision (on a proxy event loop, so it must stay in nanoseconds), and signing
 * and verifying one UPDATE of a site with 16 peers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class GslbBenchmark {

    private static final int SITES = 16;

    private Map<String, List<String>> lists;
    private List<Integer> weights;
    private HandoffRotation rotation;
    private PeerKey key;
    private SiteMessage update;
    private byte[] signed;
    private Map<String, PeerKey> keys;

    @Setup
    public void setUp() {
        Random rnd = new Random(42);
        List<String> sites = new ArrayList<>();
        for (int i = 0; i < SITES; i++) {
            sites.add("site-" + i);
        }
        lists = new HashMap<>();
        for (String s : sites) {
            List<String> others = new ArrayList<>(sites);
            others.remove(s);
            Collections.shuffle(others, rnd);
            lists.put(s, others);
        }
        weights = List.of(6, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        rotation = new HandoffRotation(HandoffTable.compute(lists, weights, Set.of()), Set.of("site-0"));

        key = new PeerKey("site-0-site-1", "site-1", "bench-secret-0123456789".getBytes(StandardCharsets.UTF_8));
        keys = Map.of(key.keyId(), key);
        List<SiteReport.VipTime> times = new ArrayList<>();
        for (String s : sites) {
            times.add(new SiteReport.VipTime(s, "10.0.0." + s.length() + ":443", 12.5, true));
        }
        update = new SiteMessage(MessageType.UPDATE, "site-1", System.currentTimeMillis(), 1, "",
                new SiteReport(lists.get("site-1"), times, List.of(new SiteReport.VipCapacity("10.1.0.1:443", 500, 1000)),
                        1L << 30, false), null);
        signed = WireCodec.encode(update, key);
    }

    @Benchmark
    public HandoffTable tableOf16Sites() {
        return HandoffTable.compute(lists, weights, Set.of("site-3"));
    }

    @Benchmark
    public String redirectTarget() {
        return rotation.next(s -> true);
    }

    @Benchmark
    public byte[] signUpdate() {
        return WireCodec.encode(update, key);
    }

    @Benchmark
    public SiteMessage verifyUpdate() throws MessageRejected {
        return WireCodec.decode(signed, keys::get).message();
    }
}
