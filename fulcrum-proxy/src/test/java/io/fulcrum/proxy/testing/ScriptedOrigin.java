package io.fulcrum.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin on a loopback socket that writes exactly the bytes a test scripts for a path
 * (whatever HTTP says they should be: a HEAD answered with a body, a response followed by a
 * second one nobody asked for) and records every request head it reads, with the number of
 * the connection it came on. A request body is read by its Content-Length or chunked framing
 * so keep-alive connections stay in step.
 */
public final class ScriptedOrigin implements AutoCloseable {

    /** A request head as the origin read it, and the connection (numbered from 1) it came on. */
    public record Seen(int connection, String head) {
        /** The request target of the request line. */
        public String target() {
            return head.split(" ", 3)[1];
        }

        /** The value of header {@code name} (case-insensitive), or null. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
                    return line.substring(c + 1).trim();
                }
            }
            return null;
        }
    }

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    /** Scripted for a path that must never be answered (the connection is held open). */
    private static final String HANG = "\u0000hang";
    /** In a script: the origin flushes what came before, pauses, then writes the rest. */
    public static final String PAUSE = "\u0000pause";

    private final ServerSocket server;
    private final Map<String, String> scripts = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.Semaphore written = new java.util.concurrent.Semaphore(0);

    private ScriptedOrigin(ServerSocket server) {
        this.server = server;
    }

    /** Starts an origin on an ephemeral loopback port; unscripted paths get {@code 200 ok}. */
    public static ScriptedOrigin start() throws IOException {
        ScriptedOrigin o = new ScriptedOrigin(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread.ofVirtual().start(o::acceptLoop);
        return o;
    }

    /** {@code host:port} of the origin. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Requests for {@code path} (the target without its query) are answered with exactly {@code raw}. */
    public ScriptedOrigin respond(String path, String raw) {
        scripts.put(path, raw);
        return this;
    }

    /** Requests for {@code path} are read and never answered. */
    public ScriptedOrigin hang(String path) {
        scripts.put(path, HANG);
        return this;
    }

    /** Every request head read so far, in order. */
    public java.util.List<Seen> seen() {
        return java.util.List.copyOf(seen);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                int n = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s, n));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                seen.add(new Seen(connection, head));
                readBody(in, head);
                String target = head.split(" ", 3)[1];
                int q = target.indexOf('?');
                String script = scripts.getOrDefault(q < 0 ? target : target.substring(0, q), OK);
                if (script.equals(HANG)) {
                    in.readAllBytes(); // held until the proxy closes
                    return;
                }
                String[] pieces = script.split(PAUSE, -1);
                for (int i = 0; i < pieces.length; i++) {
                    if (i > 0) {
                        Thread.sleep(100); // the proxy reads each piece on its own
                    }
                    out.write(pieces[i].getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                written.release();
            }
        } catch (IOException | InterruptedException e) {
            // connection over
        }
    }

    /** Waits until the origin has written one more whole script (all its pieces). */
    public void awaitWritten() throws InterruptedException {
        if (!written.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the origin wrote nothing");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            got.write(c);
            int n = got.size();
            if (n >= 4 && got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return got.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\r\ntransfer-encoding: chunked")) {
            while (true) {
                String line = line(in);
                int size = Integer.parseInt(line.split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    return;
                }
                in.readNBytes(size + 2);
            }
        }
        int at = lower.indexOf("\r\ncontent-length:");
        if (at >= 0) {
            int end = lower.indexOf("\r\n", at + 2);
            int length = Integer.parseInt(lower.substring(at + 17, end).trim());
            in.readNBytes(length);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
