package io.fulcrum.dns.server;

import com.sun.management.ThreadMXBean;
import io.fulcrum.dns.DnsEngine;
import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.Tools;
import io.fulcrum.dns.zone.SnapshotBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query path allocates (almost) nothing beyond the pooled reply buffer: measured in
 * bytes this thread allocates per query (a memory count, not a timing), for a static name,
 * a GSLB name, a name a wildcard covers, a missing name and a name outside every zone,
 * with EDNS and a client subnet; and, where the server's own UDP path runs, what its receive
 * thread allocates per query answered over a real socket (nothing: its buffers are native
 * memory allocated once per socket).
 *
 * <p>The count runs in a JVM of its own without escape analysis: whether the JIT removes a
 * short-lived object depends on how much it inlined, which varies from run to run (a copy
 * between two direct buffers made NIO views that survived in some runs and not in others,
 * 64 bytes a query). Without it, every object the path makes is counted, every run.
 */
class HotPathAllocationTest {

    @Test
    void answeringAllocatesNothingEvenWithoutEscapeAnalysis() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String out = Tools.run(List.of(java.toString(), "-XX:-DoEscapeAnalysis", "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
                "-cp", System.getProperty("java.class.path"), HotPathAllocationTest.class.getName()), 120);
        System.out.print(out);
        Map<String, Double> perQuery = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split(" ");
            if (f.length == 2 && f[0].endsWith(".")) {
                perQuery.put(f[0], Double.parseDouble(f[1]));
            }
        }
        List<String> keys = new java.util.ArrayList<>(NAMES);
        if (BatchUdpSocket.available()) {
            keys.add(BATCH_SOCKET);
        }
        assertThat(perQuery).containsOnlyKeys(keys);
        // A pooled buffer's wrapper comes from a recycler: nothing is left per query.
        perQuery.forEach((name, bytes) -> assertThat(bytes).as(name + ": bytes allocated per query").isLessThan(1));
    }

    /** The line of the batch UDP socket's own thread, answering over a real socket. */
    private static final String BATCH_SOCKET = "batch-udp-socket:www.example.test.";

    private static final List<String> NAMES = List.of("www.example.test.", "gslb.example.test.",
            "synthesised.wild.example.test.", "missing.example.test.", "elsewhere.invalid.");

    /** Measures in this JVM and prints one line per name: the name, then the bytes allocated per query. */
    public static void main(String[] args) throws Exception {
        DnsEngine engine = new DnsEngine();
        io.fulcrum.core.config.FulcrumConfig c = DnsTestServer.config("""
                sites:
                  - {name: east, region: ARIN, vips: [192.0.2.20]}
                  - {name: west, region: RIPE, vips: [192.0.2.30]}
                dns:
                  listen: ["127.0.0.1:5353"]
                  zones:
                    - name: example.test
                      records:
                        - {name: www, type: A, values: [192.0.2.10, 192.0.2.11]}
                        - {name: "*.wild", type: A, values: [192.0.2.12]}
                  gslb:
                    - {name: gslb.example.test, policy: [up, geo, weighted]}
                """);
        engine.snapshot(SnapshotBuilder.build(c.dns(), c.sites()));
        QueryProcessor p = new QueryProcessor(engine);
        // On an event-loop kind of thread, as in the server (Netty recycles buffer wrappers there).
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new io.netty.util.concurrent.FastThreadLocalThread(() -> {
            try {
                measure(p, DnsServer.ALLOCATOR);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() == null && BatchUdpSocket.available()) {
            try {
                measureBatchSocket(engine);
            } catch (Throwable e) {
                failure.set(e);
            }
        }
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
    }

    private static void measure(QueryProcessor p, io.netty.buffer.ByteBufAllocator alloc) throws Exception {
        InetAddress client = InetAddress.ofLiteral("81.2.69.1");
        for (String name : NAMES) {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(24,
                    InetAddress.ofLiteral("198.51.100.0")))), Section.ADDITIONAL);
            ByteBuf in = Unpooled.directBuffer().writeBytes(q.toWire());
            // The best of several rounds: the first ones load classes and fill the pool's caches.
            double perQuery = Double.MAX_VALUE;
            for (int round = 0; round < 10 && perQuery > 0; round++) {
                perQuery = Math.min(perQuery, bytesPerQuery(p, in, client, 20_000, alloc));
            }
            in.release();
            System.out.println(name + " " + perQuery);
        }
    }

    /**
     * Bytes the receive thread of a {@link BatchUdpSocket} allocates per query it reads, answers
     * and sends over a real loopback socket (the whole path: recvmmsg, parse, reply, sendmmsg).
     */
    private static void measureBatchSocket(DnsEngine engine) throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BatchUdpSocket socket = BatchUdpSocket.open(engine,
                new java.net.InetSocketAddress("127.0.0.1", 0), "allocation-test");
             java.net.DatagramSocket client = new java.net.DatagramSocket(
                     new java.net.InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(3000);
            long id = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> th.getName().equals("allocation-test-" + socket.localAddress().getPort()))
                    .findFirst().orElseThrow().threadId();
            Message q = Message.newQuery(Record.newRecord(Name.fromString("www.example.test."), Type.A, DClass.IN));
            q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
            byte[] wire = q.toWire();
            java.net.DatagramPacket out = new java.net.DatagramPacket(wire, wire.length, socket.localAddress());
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[4096], 4096);
            double perQuery = Double.MAX_VALUE;
            int n = 5_000;
            for (int round = 0; round < 10 && perQuery > 0; round++) {
                long before = threads.getThreadAllocatedBytes(id);
                for (int i = 0; i < n; i++) {
                    client.send(out);
                    client.receive(in);
                }
                perQuery = Math.min(perQuery, (threads.getThreadAllocatedBytes(id) - before) / (double) n);
            }
            System.out.println(BATCH_SOCKET + " " + perQuery);
        }
    }

    private static double bytesPerQuery(QueryProcessor p, ByteBuf in, InetAddress client, int n,
                                        io.netty.buffer.ByteBufAllocator alloc) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < n; i++) {
            ByteBuf out = p.answer(in, client, false, alloc);
            out.release();
        }
        return (threads.getThreadAllocatedBytes(id) - before) / (double) n;
    }
}
