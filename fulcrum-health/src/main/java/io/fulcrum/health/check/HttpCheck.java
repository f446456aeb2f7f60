package io.fulcrum.health.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP or HTTPS synthetic request (requirements 2.1 item 7): a {@code GET} with
 * {@code Connection: close}, timed phase by phase (DNS, connect + TLS, first byte,
 * total, response size), passing when the status is accepted and the body contains
 * the expected text. The response is read up to {@link #MAX_RESPONSE_BYTES}.
 */
public final class HttpCheck implements HealthCheck {

    /** Most response bytes read (status line, headers and body). */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final boolean tls;
    private final Duration timeout;
    private final String path;
    private final String hostHeader;
    private final StatusSet statuses;
    private final String expectBody;
    private final String serverName;
    private final boolean verify;

    public HttpCheck(boolean tls, Duration timeout, String path, String hostHeader, StatusSet statuses,
                     String expectBody, String serverName, boolean verify) {
        this.tls = tls;
        this.timeout = timeout;
        this.path = path;
        this.hostHeader = hostHeader;
        this.statuses = statuses;
        this.expectBody = expectBody;
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
        long connect = -1;
        long firstByte = -1;
        String phase = "connect";
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), t.remainingMillis());
            plain.setSoTimeout(t.remainingMillis());
            Socket s = plain;
            if (tls) {
                phase = "TLS handshake";
                s = TlsSockets.handshake(plain, host, port, serverName != null ? serverName : hostHeader, verify);
            }
            connect = t.elapsed();
            phase = "response";
            String h = hostHeader != null ? hostHeader : host;
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + h + "\r\nUser-Agent: fulcrum-health\r\n"
                    + "Accept: */*\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (response.size() < MAX_RESPONSE_BYTES) {
                s.setSoTimeout(t.remainingMillis());
                int n = in.read(buf, 0, Math.min(buf.length, MAX_RESPONSE_BYTES - response.size()));
                if (n < 0) {
                    break;
                }
                if (firstByte < 0) {
                    firstByte = t.elapsed();
                }
                response.write(buf, 0, n);
                if (HttpResponseText.complete(response.toByteArray())) {
                    break;
                }
                if (t.expired()) {
                    throw new SocketTimeoutException();
                }
            }
            long total = t.elapsed();
            return judge(HttpResponseText.parse(response.toByteArray()), dns, connect, firstByte, total,
                    response.size());
        } catch (SocketTimeoutException e) {
            return new CheckResult(false, true, phase + " timed out after " + timeout.toMillis() + " ms", dns,
                    connect, firstByte, t.elapsed(), -1);
        } catch (IOException e) {
            return new CheckResult(false, false, phase + " failed: " + Errors.describe(e), dns, connect, firstByte,
                    t.elapsed(), -1);
        }
    }

    private CheckResult judge(HttpResponseText r, long dns, long connect, long firstByte, long total, long size) {
        if (r == null) {
            return new CheckResult(false, false, "not an HTTP response", dns, connect, firstByte, total, size);
        }
        if (!statuses.contains(r.status())) {
            return new CheckResult(false, false, "status " + r.status() + " (expected " + statuses + ")", dns,
                    connect, firstByte, total, size);
        }
        if (expectBody != null && !r.body().contains(expectBody)) {
            return new CheckResult(false, false, "status " + r.status() + " but the body does not contain \""
                    + expectBody + "\"", dns, connect, firstByte, total, size);
        }
        return new CheckResult(true, false, "status " + r.status(), dns, connect, firstByte, total, size);
    }
}
