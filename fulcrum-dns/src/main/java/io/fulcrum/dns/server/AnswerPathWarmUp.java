package io.fulcrum.dns.server;

import io.fulcrum.dns.DnsEngine;
import io.fulcrum.dns.wire.Dns;
import io.fulcrum.dns.zone.NameNode;
import io.fulcrum.dns.zone.Zone;
import io.fulcrum.dns.zone.ZoneSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the UDP answer path on queries made up here before the DNS sockets first open, so the
 * JVM's compilers have compiled it when the first real queries come: without it a fresh node
 * answered its first seconds of load from the interpreter and C1 code while C2 compiled the
 * path beside it, on the same CPUs (docs/benchmarks.md, "DNS as shipped": 0.59 × gdnsd in a
 * first round, 1.0-1.15 × after).
 *
 * <p>The queries ask for every name of the snapshot (each zone's apex, its records' names,
 * the GSLB records, a name that does not exist) for A, AAAA and SOA, with EDNS and without, in
 * mixed case, from a few client addresses. They are answered by a {@link QueryProcessor} over an
 * engine of its own that shares the live snapshot, geo database, site state and membership (all
 * read only), so the live counters count nothing. GSLB records with a {@code sticky} step are
 * left out: an answer would remember the made-up client.
 *
 * <p>It stops when the budget has passed, or earlier once the compilers have been quiet for a
 * while after enough queries (nothing left to compile for the path).
 */
public final class AnswerPathWarmUp {

    /** Queries before the compilers' quiet is trusted (C2 compiles a method after some 10,000 calls). */
    static final int MIN_QUERIES = 60_000;
    /** How long the compilers must have finished nothing for the warm-up to end early. */
    static final long QUIET_NANOS = 250_000_000L;
    private static final int CHUNK = 2_000;
    private static final int[] CLIENTS = {0x7F000001, 0xC0000201, 0xC6336401, 0xCB007101, 0x0A000001};
    private static final int[] TYPES = {Dns.TYPE_A, Dns.TYPE_AAAA, Dns.TYPE_SOA};

    /** What a warm-up did. */
    public record Result(long queries, long answered, Duration took, boolean quiet) {
    }

    private AnswerPathWarmUp() {
    }

    /**
     * Answers made-up queries for the names of {@code live}'s snapshot until
     * {@code budget} passes or the compilers are quiet; {@link Duration#ZERO} does nothing.
     */
    public static Result run(DnsEngine live, Duration budget) {
        long start = System.nanoTime();
        if (budget.isZero() || budget.isNegative()) {
            return new Result(0, 0, Duration.ZERO, false);
        }
        DnsEngine engine = new DnsEngine();
        engine.snapshot(live.snapshot());
        engine.geo(live.geo());
        engine.siteState(live.siteState());
        engine.liveMembers(live.liveMembers());
        engine.udpPayloadSize(live.udpPayloadSize());
        List<ByteBuf> queries = queries(names(live.snapshot()));
        // Direct buffers over native memory, as BatchUdpSocket's slots are: the same buffer
        // classes at the same call sites, so what is compiled here is what the sockets call.
        ByteBuf reply = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(QueryProcessor.MAX_UDP_REPLY));
        QueryProcessor processor = new QueryProcessor(engine);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long deadline = start + budget.toNanos();
        long n = 0;
        long answered = 0;
        long lastCompileTime = timed ? jit.getTotalCompilationTime() : 0;
        long quietSince = System.nanoTime();
        boolean quiet = false;
        try {
            while (true) {
                for (int i = 0; i < CHUNK; i++, n++) {
                    ByteBuf q = queries.get((int) (n % queries.size()));
                    if (processor.answerUdp(q.readerIndex(0), CLIENTS[(int) (n % CLIENTS.length)], null,
                            reply.clear())) {
                        answered++;
                    }
                }
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    break;
                }
                if (timed) {
                    long compileTime = jit.getTotalCompilationTime();
                    if (compileTime != lastCompileTime) {
                        lastCompileTime = compileTime;
                        quietSince = now;
                    } else if (n >= MIN_QUERIES && now - quietSince >= QUIET_NANOS) {
                        quiet = true;
                        break;
                    }
                }
            }
        } finally {
            for (ByteBuf q : queries) {
                q.release();
            }
            reply.release();
        }
        return new Result(n, answered, Duration.ofNanos(System.nanoTime() - start), quiet);
    }

    /**
     * The names asked for: every name of the snapshot (the zones' records, from the file or a
     * zone file alike, and the GSLB names) except GSLB names with stickiness, and one miss per zone.
     */
    public static List<String> names(ZoneSnapshot snapshot) {
        Set<String> names = new LinkedHashSet<>();
        for (Zone z : snapshot.zones()) {
            names.add(z.displayName());
            names.add("no-such-name-fulcrum-warm-up." + z.displayName());
        }
        for (NameNode n : snapshot.nodes()) {
            if (n.gslb() == null || !n.gslb().usesSticky()) {
                names.add(text(n.name()));
            }
        }
        return new ArrayList<>(names);
    }

    /** A wire-form name (length-prefixed labels, then the root's zero) as text, without the final dot. */
    private static String text(byte[] wire) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < wire.length && wire[i] != 0; i += wire[i] + 1) {
            if (!b.isEmpty()) {
                b.append('.');
            }
            b.append(new String(wire, i + 1, wire[i], StandardCharsets.US_ASCII));
        }
        return b.toString();
    }

    /** For each name and type: with EDNS (as resolvers and dnsperf send) and without, one in mixed case. */
    private static List<ByteBuf> queries(List<String> names) {
        List<ByteBuf> out = new ArrayList<>();
        int id = 1;
        for (String name : names) {
            for (int type : TYPES) {
                out.add(query(id++, name, type, true));
                out.add(query(id++, mixedCase(name), type, false));
            }
        }
        return out;
    }

    private static String mixedCase(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
        }
        return b.toString();
    }

    private static ByteBuf query(int id, String name, int type, boolean edns) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, edns ? (byte) 1 : 0});
        String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        for (String label : trimmed.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            out.write(Math.min(bytes.length, 63));
            out.write(bytes, 0, Math.min(bytes.length, 63));
        }
        out.writeBytes(new byte[] {0, (byte) (type >> 8), (byte) type, 0, 1});
        if (edns) {
            out.writeBytes(new byte[] {0, 0, 41, 0x04, (byte) 0xD0, 0, 0, 0, 0, 0, 0}); // OPT: 1232 bytes
        }
        byte[] wire = out.toByteArray();
        ByteBuf b = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(wire.length));
        b.clear();
        b.writeBytes(wire);
        return b;
    }
}
