package io.fulcrum.app.admin;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A tiny HTTP backend on 127.0.0.1 that answers every request with one status and its name as the body. */
final class FixedStatusBackend implements AutoCloseable {

    private final HttpServer server;

    private FixedStatusBackend(String name, int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    static FixedStatusBackend start(String name, int status) throws IOException {
        return new FixedStatusBackend(name, status);
    }

    /** {@code 127.0.0.1:port}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
