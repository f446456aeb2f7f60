package io.fulcrum.health.check;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** UDP send-and-expect: one datagram out, a reply within the timeout that contains the expected text. */
public final class UdpCheck implements HealthCheck {

    private final Duration timeout;
    private final byte[] payload;
    private final String expect;

    public UdpCheck(Duration timeout, String send, String expect) {
        this.timeout = timeout;
        this.payload = send.getBytes(StandardCharsets.UTF_8);
        this.expect = expect;
    }


    @Override
    public CheckResult run(String host, int port) {
        Timer t = new Timer(timeout);
        try (DatagramSocket s = new DatagramSocket()) {
            // connect() makes an ICMP port-unreachable surface as an error instead of a silent timeout.
            s.connect(new InetSocketAddress(host, port));
            s.send(new DatagramPacket(payload, payload.length));
            byte[] buf = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            s.setSoTimeout(t.remainingMillis());
            s.receive(reply);
            long total = t.elapsed();
            String text = new String(buf, 0, reply.getLength(), StandardCharsets.UTF_8);
            if (expect != null && !text.contains(expect)) {
                return new CheckResult(false, false, "reply does not contain \"" + expect + "\"", -1, -1, total,
                        total, reply.getLength());
            }
            return new CheckResult(true, false, "reply of " + reply.getLength() + " bytes", -1, -1, total, total,
                    reply.getLength());
        } catch (SocketTimeoutException e) {
            return CheckResult.timeout("no UDP reply within " + timeout.toMillis() + " ms", t.elapsed());
        } catch (PortUnreachableException e) {
            return CheckResult.failed("port unreachable", t.elapsed());
        } catch (IOException e) {
            return CheckResult.failed("UDP check failed: " + Errors.describe(e), t.elapsed());
        }
    }
}
