package io.fulcrum.dns;

import io.fulcrum.dns.gslb.Policy;
import io.fulcrum.dns.wire.Dns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the DNS server, safe to bump from every event loop and to read from
 * anywhere (admin API, metrics): queries by type, replies by RCODE, GSLB answers by
 * policy, and transport facts.
 */
public final class DnsStats {

    private static final int[] TYPES = {Dns.TYPE_A, Dns.TYPE_NS, Dns.TYPE_CNAME, Dns.TYPE_SOA, Dns.TYPE_PTR,
        Dns.TYPE_MX, Dns.TYPE_TXT, Dns.TYPE_AAAA, Dns.TYPE_SRV, Dns.TYPE_ANY};

    private final LongAdder[] byType = adders(TYPES.length + 1);
    private final LongAdder[] byRcode = adders(17);
    private final LongAdder[] byPolicy = adders(Policy.values().length);
    private final LongAdder udp = new LongAdder();
    private final LongAdder tcp = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder gslbAnswers = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedDatagrams = new LongAdder();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** Recorded by the server. */
    public void query(int qtype, boolean overTcp) {
        (overTcp ? tcp : udp).increment();
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i] == qtype) {
                byType[i].increment();
                return;
            }
        }
        byType[TYPES.length].increment();
    }

    /** Recorded by the server. */
    public void reply(int rcode) {
        byRcode[Math.min(rcode, 16)].increment();
    }

    /** Recorded by the server. */
    public void truncated() {
        truncated.increment();
    }

    /** Recorded by the server. */
    public void dropped() {
        dropped.increment();
    }

    /** Recorded by the server's batch UDP path: one {@code recvmmsg} that read {@code datagrams}. */
    public void batch(int datagrams) {
        batches.increment();
        batchedDatagrams.add(datagrams);
    }

    /** Recorded by the server. */
    public void gslb(Policy[] chain) {
        gslbAnswers.increment();
        for (Policy p : chain) {
            byPolicy[p.ordinal()].increment();
        }
    }

    /** Queries received by type mnemonic ({@code OTHER} for the rest). */
    public Map<String, Long> queriesByType() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < TYPES.length; i++) {
            m.put(Dns.typeName(TYPES[i]), byType[i].sum());
        }
        m.put("OTHER", byType[TYPES.length].sum());
        return m;
    }

    /** Replies sent by RCODE mnemonic. */
    public Map<String, Long> repliesByRcode() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < byRcode.length; i++) {
            long v = byRcode[i].sum();
            if (v > 0 || i <= Dns.RCODE_REFUSED) {
                m.put(Dns.rcodeName(i), v);
            }
        }
        return m;
    }

    /** GSLB answers by policy of their record's chain. */
    public Map<String, Long> gslbAnswersByPolicy() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Policy p : Policy.values()) {
            m.put(p.configName(), byPolicy[p.ordinal()].sum());
        }
        return m;
    }

    public long udpQueries() {
        return udp.sum();
    }

    public long tcpQueries() {
        return tcp.sum();
    }

    /** UDP replies sent truncated (TC). */
    public long truncatedReplies() {
        return truncated.sum();
    }

    /** Packets dropped without a reply (too short, or responses). */
    public long droppedPackets() {
        return dropped.sum();
    }

    /** Batches the server's own UDP path read ({@code recvmmsg} calls that returned datagrams); 0 on Netty's. */
    public long udpBatches() {
        return batches.sum();
    }

    /** Datagrams those batches held. */
    public long udpBatchedDatagrams() {
        return batchedDatagrams.sum();
    }

    public long gslbAnswers() {
        return gslbAnswers.sum();
    }
}
