package io.fulcrum.health.check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/** TCP reachability: a connection opens (and is closed at once). */
public final class TcpCheck implements HealthCheck {

    private final Duration timeout;

    public TcpCheck(Duration timeout) {
        this.timeout = timeout;
    }


    @Override
    public CheckResult run(String host, int port) {
        Timer t = new Timer(timeout);
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return CheckResult.failed("cannot resolve " + host, t.elapsed());
        }
        long dns = t.elapsed();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), t.remainingMillis());
            long connect = t.elapsed();
            return new CheckResult(true, false, "connected", dns, connect, -1, connect, -1);
        } catch (SocketTimeoutException e) {
            return CheckResult.timeout("connect timed out after " + timeout.toMillis() + " ms", t.elapsed());
        } catch (IOException e) {
            return CheckResult.failed("connect failed: " + Errors.describe(e), t.elapsed());
        }
    }
}
