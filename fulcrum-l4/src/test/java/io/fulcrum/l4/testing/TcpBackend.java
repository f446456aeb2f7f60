package io.fulcrum.l4.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP backend on loopback, one virtual thread per connection. Modes:
 * {@link Mode#ECHO} sends its name and a newline, then echoes every byte and closes at end of input;
 * {@link Mode#ECHO_HOLD} does the same but keeps its side open after the client's FIN;
 * {@link Mode#COUNT_THEN_REPLY} reads to end of input, then answers
 * {@code name:<bytes read>} and closes (the half-close check);
 * {@link Mode#SEND_32MB} sends 32 MiB (512 chunks of 64 KiB, chunk i filled with byte i) and closes;
 * {@link Mode#RECORD} stores everything a connection sends (the PROXY header check) and echoes it.
 */
public final class TcpBackend implements AutoCloseable {

    /** What the backend does with a connection. */
    /**
     * What a connection gets: ECHO and ECHO_HOLD greet with the name first; ANSWER_AND_CLOSE
     * waits for one line, answers {@code name:line} and closes at once (a client speaks first,
     * the answer and the FIN leave together).
     */
    public enum Mode { ECHO, ECHO_HOLD, COUNT_THEN_REPLY, RECORD, SEND_32MB, ANSWER_AND_CLOSE }

    private final String name;
    private final Mode mode;
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Queue<byte[]> recorded = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    public TcpBackend(String name, Mode mode) throws IOException {
        this.name = name;
        this.mode = mode;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    public String name() { return name; }
    public int port() { return server.getLocalPort(); }
    public String address() { return "127.0.0.1:" + port(); }
    public int accepted() { return accepted.get(); }
    /** What each finished RECORD connection sent, in order of closing. */
    public Queue<byte[]> recorded() { return recorded; }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            switch (mode) {
                case ECHO -> {
                    out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.transferTo(out);
                }
                case ECHO_HOLD -> {
                    out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.transferTo(out);
                    // The client half-closed: keep this side open (it never closes first) until shut down.
                    closed.await();
                }
                case COUNT_THEN_REPLY -> {
                    long n = in.transferTo(OutputStream.nullOutputStream());
                    out.write((name + ":" + n).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                case ANSWER_AND_CLOSE -> {
                    StringBuilder line = new StringBuilder();
                    int c;
                    while ((c = in.read()) >= 0 && c != '\n') {
                        line.append((char) c);
                    }
                    out.write((name + ":" + line + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                case SEND_32MB -> {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 512; i++) {
                        java.util.Arrays.fill(chunk, (byte) i);
                        out.write(chunk);
                    }
                    out.flush();
                }
                case RECORD -> {
                    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                    byte[] buf = new byte[4096];
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        got.write(buf, 0, r);
                        out.write(buf, 0, r);
                        out.flush();
                    }
                    recorded.add(got.toByteArray());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        closed.countDown();
        for (Socket s : open) {
            s.close();
        }
    }
}
