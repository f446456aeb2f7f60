package io.fulcrum.health.check;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * DNS query: the backend (a DNS server) is asked for one name and type over UDP;
 * it passes when it answers NOERROR with at least one record of that type and, when
 * {@code expect} is set, one answer contains it (for A/AAAA: the address).
 */
public final class DnsCheck implements HealthCheck {

    private final Duration timeout;
    private final String query;
    private final String typeName;
    private final int type;
    private final String expect;

    public DnsCheck(Duration timeout, String query, String recordType, String expect) {
        this.timeout = timeout;
        this.query = query;
        this.typeName = recordType.toUpperCase(java.util.Locale.ROOT);
        this.type = DnsWire.type(typeName);
        this.expect = expect;
    }


    @Override
    public CheckResult run(String host, int port) {
        Timer t = new Timer(timeout);
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(host, port));
            byte[] q = DnsWire.query(id, query, type);
            s.send(new DatagramPacket(q, q.length));
            byte[] buf = new byte[4096];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.setSoTimeout(t.remainingMillis());
                s.receive(p);
                DnsWire.Response r;
                try {
                    r = DnsWire.parse(buf, p.getLength(), type);
                } catch (IllegalArgumentException e) {
                    return CheckResult.failed("malformed DNS answer: " + e.getMessage(), t.elapsed());
                }
                if (r.id() != id) {
                    continue; // a late answer to an earlier query
                }
                long total = t.elapsed();
                return judge(r, total, p.getLength());
            }
        } catch (SocketTimeoutException e) {
            return CheckResult.timeout("no DNS answer within " + timeout.toMillis() + " ms", t.elapsed());
        } catch (PortUnreachableException e) {
            return CheckResult.failed("DNS port unreachable", t.elapsed());
        } catch (IOException e) {
            return CheckResult.failed("DNS query failed: " + Errors.describe(e), t.elapsed());
        }
    }

    private CheckResult judge(DnsWire.Response r, long total, long size) {
        if (r.rcode() != 0) {
            return new CheckResult(false, false, "answer " + r.rcodeName() + " for " + query, -1, -1, total, total,
                    size);
        }
        if (r.answers().isEmpty()) {
            return new CheckResult(false, false, "no " + typeName + " record for " + query, -1, -1, total, total,
                    size);
        }
        for (String a : r.answers()) {
            if (expect == null || a.contains(expect)) {
                return new CheckResult(true, false, typeName + " " + a, -1, -1, total, total, size);
            }
        }
        return new CheckResult(false, false, "no " + typeName + " answer contains \"" + expect + "\" (got "
                + r.answers() + ")", -1, -1, total, total, size);
    }
}
