package io.fulcrum.app.cluster;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP backend on 127.0.0.1 that answers with its name after an optional delay, and counts requests. */
final class CountingBackend implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final String name;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile long delayMillis;

    CountingBackend(String name, long delayMillis) throws IOException {
        this.name = name;
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(this.delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String name() {
        return name;
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests received so far, and starts counting afresh. */
    int takeCount() {
        return requests.getAndSet(0);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
