package io.fulcrum.health.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 origin on 127.0.0.1 (keep-alive, GET only) that can be told to fail
 * in each way a health check must notice: refuse connections, hang, answer the wrong
 * content, answer an error status, or answer slowly. Connections are served on
 * virtual threads with blocking sockets.
 */
public final class FlakyOrigin implements AutoCloseable {

    /** How the origin treats requests. */
    public enum Mode { NORMAL, REFUSE, HANG, WRONG_CONTENT, ERROR, SLOW }

    private final String name;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private volatile Mode mode = Mode.NORMAL;
    private volatile long slowMillis = 1500;
    private volatile long baseDelayMillis;
    private volatile ServerSocket server;

    public FlakyOrigin(String name) throws IOException {
        this.name = name;
        this.server = bind(0);
        this.port = server.getLocalPort();
        accept(server);
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        return s;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Requests answered (any mode that answers). */
    public long requests() {
        return requests.get();
    }

    /** Delay of every answer in the other modes (a realistic service time, so latency noise stays small). */
    public FlakyOrigin baseDelayMillis(long ms) {
        this.baseDelayMillis = ms;
        return this;
    }

    /** Delay of {@link Mode#SLOW} answers. */
    public FlakyOrigin slowMillis(long ms) {
        this.slowMillis = ms;
        return this;
    }

    /** Switches mode; REFUSE closes the listening socket and every connection, leaving it refuses. */
    public synchronized void mode(Mode m) throws IOException {
        Mode old = this.mode;
        this.mode = m;
        if (m == Mode.REFUSE && old != Mode.REFUSE) {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        } else if (m != Mode.REFUSE && old == Mode.REFUSE) {
            server = bind(port);
            accept(server);
        }
    }

    private void accept(ServerSocket s) {
        Thread.ofVirtual().name("origin-" + name + "-accept").start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket c = s.accept();
                    open.add(c);
                    Thread.ofVirtual().start(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void serve(Socket c) {
        try (c; InputStream in = new BufferedInputStream(c.getInputStream()); OutputStream out = c.getOutputStream()) {
            while (true) {
                if (!readHead(in)) {
                    return;
                }
                Mode m = mode;
                switch (m) {
                    case HANG -> {
                        while (mode == Mode.HANG && !c.isClosed()) {
                            Thread.sleep(20);
                        }
                        return;
                    }
                    case SLOW -> Thread.sleep(slowMillis);
                    default -> {
                        if (baseDelayMillis > 0) {
                            Thread.sleep(baseDelayMillis);
                        }
                    }
                }
                int status = m == Mode.ERROR ? 500 : 200;
                String body = m == Mode.WRONG_CONTENT ? "under maintenance\n" : "ok " + name + "\n";
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Internal Server Error")
                        + "\r\nContent-Type: text/plain\r\nContent-Length: " + b.length + "\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(b);
                out.flush();
                requests.incrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            // client went away or the origin is closing
        } finally {
            open.remove(c);
        }
    }

    /** Reads one request head (GET, no body); false at end of stream. */
    private static boolean readHead(InputStream in) throws IOException {
        int state = 0;
        int n = 0;
        while (state < 4) {
            int ch = in.read();
            if (ch < 0) {
                return false;
            }
            n++;
            state = switch (state) {
                case 0, 2 -> ch == '\r' ? state + 1 : 0;
                case 1, 3 -> ch == '\n' ? state + 1 : (ch == '\r' ? 1 : 0);
                default -> 0;
            };
            if (n > 65536) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        mode = Mode.REFUSE;
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
