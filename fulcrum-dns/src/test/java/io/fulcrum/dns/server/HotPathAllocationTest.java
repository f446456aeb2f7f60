package io.fulcrum.dns.server;

import com.sun.management.ThreadMXBean;
import io.fulcrum.dns.DnsEngine;
import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.zone.SnapshotBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query path allocates (almost) nothing beyond the pooled reply buffer: measured in
 * bytes this thread allocates per query (a memory count, not a timing), for a static name,
 * a GSLB name and a name a wildcard covers, with EDNS and a client subnet.
 */
class HotPathAllocationTest {

    @Test
    void answeringAllocatesAlmostNothing() throws Exception {
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
        // Paranoid leak tracking records a stack trace per buffer; it is off for this count only.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
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
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void measure(QueryProcessor p, io.netty.buffer.ByteBufAllocator alloc) throws Exception {
        InetAddress client = InetAddress.ofLiteral("81.2.69.1");
        for (String name : List.of("www.example.test.", "gslb.example.test.", "synthesised.wild.example.test.")) {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(24,
                    InetAddress.ofLiteral("198.51.100.0")))), Section.ADDITIONAL);
            ByteBuf in = Unpooled.directBuffer().writeBytes(q.toWire());
            // The best of several rounds: the first ones run before the JIT has compiled the path.
            double perQuery = Double.MAX_VALUE;
            for (int round = 0; round < 15 && perQuery > 0; round++) {
                perQuery = Math.min(perQuery, bytesPerQuery(p, in, client, 100_000, alloc));
            }
            in.release();
            System.out.printf("%s %s: %.1f bytes allocated per query%n", alloc.getClass().getSimpleName(), name, perQuery);
            // A pooled buffer's wrapper comes from a recycler; what is left is noise.
            assertThat(perQuery).as(name + ": bytes allocated per query").isLessThan(16);
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
