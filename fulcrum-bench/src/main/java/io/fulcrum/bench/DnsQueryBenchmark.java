package io.fulcrum.bench;

import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.core.config.dns.GslbRecordConfig;
import io.fulcrum.core.config.dns.RecordConfig;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.core.config.dns.ZoneConfig;
import io.fulcrum.dns.DnsEngine;
import io.fulcrum.dns.server.DnsServer;
import io.fulcrum.dns.server.QueryProcessor;
import io.fulcrum.dns.zone.SnapshotBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Time to answer one query in memory (parse, look up, copy the cached reply, patch it),
 * without the network: a static name ({@code www}), a GSLB name ({@code gslb}, policy
 * {@code [up, geo, weighted]}), and a name that does not exist ({@code nx}). The zone is
 * the one of {@code bench/dns.yaml}. {@link #answer}: into a new pooled buffer, as Netty's
 * paths (TCP, and UDP where the server's own sockets are not used) answer; {@link #answerUdp}:
 * into a reused native slot, as the batch UDP sockets answer.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DnsQueryBenchmark {

    @Param({"www", "gslb", "nx"})
    public String name;

    private QueryProcessor processor;
    private ByteBuf query;
    private InetAddress client;
    private ByteBuf slot;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ZoneConfig zone = new ZoneConfig("example.test", null, null, null, List.of(
                new RecordConfig("@", "NS", null, "ns1.example.test.", null),
                new RecordConfig("ns1", "A", null, "127.0.0.1", null),
                new RecordConfig("www", "A", null, null, List.of("192.0.2.10", "192.0.2.11"))));
        List<SiteConfig> sites = List.of(
                new SiteConfig("east", "ARIN", null, null, null, vips("192.0.2.20", "192.0.2.21"), null, null, null),
                new SiteConfig("west", "RIPE", null, null, null, vips("192.0.2.30", "192.0.2.31"), null, null, null));
        GslbRecordConfig gslb = new GslbRecordConfig("gslb.example.test", null, null,
                null, null, null); // the default chain: up, geo, weighted
        DnsConfig config = new DnsConfig(List.of(io.fulcrum.core.config.HostPort.of("127.0.0.1", 15303)), 1, null, null, null, List.of(zone),
                List.of(gslb), null);
        DnsEngine engine = new DnsEngine();
        engine.snapshot(SnapshotBuilder.build(config, sites));
        processor = new QueryProcessor(engine);
        client = InetAddress.ofLiteral("127.0.0.1");
        query = Unpooled.directBuffer().writeBytes(query(name + ".example.test"));
        slot = Unpooled.directBuffer(QueryProcessor.MAX_UDP_REPLY, QueryProcessor.MAX_UDP_REPLY);
    }

    private static List<VipConfig> vips(String... hosts) {
        return java.util.Arrays.stream(hosts)
                .map(h -> VipConfig.at(io.fulcrum.core.config.HostPort.parsePortOptional(h))).toList();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        query.release();
        slot.release();
    }

    @Benchmark
    public int answer() {
        ByteBuf reply = processor.answer(query, client, false, DnsServer.ALLOCATOR);
        int n = reply.readableBytes();
        reply.release();
        return n;
    }

    @Benchmark
    public int answerUdp() {
        ByteBuf out = slot.clear();
        processor.answerUdp(query, 0x7F000001, null, out);
        return out.readableBytes();
    }

    /** A plain A query with EDNS (as dnsperf sends), ID 0x1234, RD set. */
    private static byte[] query(String name) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1});
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        out.writeBytes(new byte[] {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0}); // OPT: 4096 bytes, no options
        return out.toByteArray();
    }
}
