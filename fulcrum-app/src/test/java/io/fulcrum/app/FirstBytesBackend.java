package io.fulcrum.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw TCP backend on 127.0.0.1 that records the first bytes of every connection (a PROXY
 * header, an HTTP/2 preface, a TLS ClientHello, a health check's request line) and answers
 * anything that reads like an HTTP/1.1 request head with {@code 200 ok}, closing after it.
 */
final class FirstBytesBackend implements AutoCloseable {

    private final ServerSocket server;
    private final List<byte[]> seen = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private FirstBytesBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon(true).name("first-bytes-backend").start(this::accept);
    }

    static FirstBytesBackend start() throws IOException {
        return new FirstBytesBackend();
    }

    /** {@code 127.0.0.1:port}. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Forgets what was seen so far. */
    void clear() {
        seen.clear();
    }

    /** Whether some connection since {@link #clear()} began with these bytes. */
    boolean sawStart(byte[] prefix) {
        for (byte[] b : seen) {
            if (b.length >= prefix.length && java.util.Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some connection since {@link #clear()} began with this text. */
    boolean sawStart(String prefix) {
        return sawStart(prefix.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Connections accepted since {@link #clear()}. */
    int connections() {
        return seen.size();
    }

    /** The first bytes of each connection as Latin-1 text, for failure messages. */
    List<String> seen() {
        return seen.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = 0;
            int r;
            // Up to the end of a request head, or whatever arrives first when it is not HTTP/1.
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
                String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                if (text.contains("\r\n\r\n") || !text.startsWith("PROXY") && !text.matches("(?s)^[A-Z]+ .*")) {
                    break;
                }
            }
            seen.add(java.util.Arrays.copyOf(buf, n));
            String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            if (text.contains(" HTTP/1.1\r\n") && !text.startsWith("PRI ")) {
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the proxy gave up on a connection the backend could not serve (h2, TLS): expected
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
