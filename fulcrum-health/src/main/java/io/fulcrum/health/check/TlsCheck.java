package io.fulcrum.health.check;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/** TLS handshake: a connection opens and the handshake completes (certificate checked when {@code verify}). */
public final class TlsCheck implements HealthCheck {

    private final Duration timeout;
    private final String serverName;
    private final boolean verify;

    public TlsCheck(Duration timeout, String serverName, boolean verify) {
        this.timeout = timeout;
        this.serverName = serverName;
        this.verify = verify;
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
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), t.remainingMillis());
            plain.setSoTimeout(t.remainingMillis());
            try (SSLSocket s = TlsSockets.handshake(plain, host, port, serverName, verify)) {
                long done = t.elapsed();
                return new CheckResult(true, false, "handshake done: " + s.getSession().getProtocol() + " "
                        + s.getSession().getCipherSuite(), dns, done, -1, done, -1);
            }
        } catch (SocketTimeoutException e) {
            return CheckResult.timeout("TLS handshake timed out after " + timeout.toMillis() + " ms", t.elapsed());
        } catch (IOException e) {
            return CheckResult.failed("TLS handshake failed: " + Errors.describe(e), t.elapsed());
        }
    }
}
