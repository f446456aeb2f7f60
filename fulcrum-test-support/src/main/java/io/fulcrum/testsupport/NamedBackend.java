package io.fulcrum.testsupport;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP backend on 127.0.0.1 (the JDK's server) that answers every request with one
 * status and its own name as the body, and counts the requests.
 */
public final class NamedBackend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    /** While set, requests wait for it before they are answered (see {@link #hold()}). */
    private volatile CountDownLatch gate;

    private NamedBackend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    /** A backend that answers 200. */
    public static NamedBackend start(String name) throws IOException {
        return start(name, 200);
    }

    /** A backend that answers {@code status} (a 503 to fail an HTTP check, say). */
    public static NamedBackend start(String name, int status) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        NamedBackend b = new NamedBackend(name, s);
        s.createContext("/", ex -> {
            b.requests.incrementAndGet();
            CountDownLatch held = b.gate;
            if (held != null) {
                try {
                    held.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ex.getRequestBody().readAllBytes();
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.start();
        return b;
    }

    /** The name it answers with. */
    public String name() {
        return name;
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Holds every request from now on, counted but unanswered, until {@link #release()}: a
     * request in flight for as long as the test needs one, without a timing.
     */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    /** Answers the held requests, and the next ones at once. */
    public void release() {
        CountDownLatch held = gate;
        gate = null;
        if (held != null) {
            held.countDown();
        }
    }

    /** How many requests it has had (held ones included). */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
