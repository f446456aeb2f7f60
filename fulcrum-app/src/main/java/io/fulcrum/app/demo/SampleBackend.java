package io.fulcrum.app.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server that stands in for an application server in {@code fulcrum demo}.
 *
 * <p>It answers every path with a small HTML page in its own colour that shows its
 * name and the request path (so a browser makes the balancing visible), with the name
 * also in the {@code X-Backend} header; {@code /health} answers {@code 200 ok}.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver} rather than Netty: it is a
 * sample, not the data plane, and this way it shares nothing with the proxy it feeds.
 */
public final class SampleBackend implements AutoCloseable {

    private final String name;
    private final String colour;
    private final HttpServer server;
    private final ExecutorService executor;

    private SampleBackend(String name, String colour, HttpServer server, ExecutorService executor) {
        this.name = name;
        this.colour = colour;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts a backend on {@code 127.0.0.1} and a free port.
     *
     * @param name   shown on its page and in {@code X-Backend}
     * @param colour a CSS colour for its page
     */
    public static SampleBackend start(String name, String colour) throws IOException {
        return start(name, colour, 0);
    }

    /**
     * Starts a backend on {@code 127.0.0.1:port} ({@code 0}: a free port), as {@code fulcrum demo-backend}
     * does in a process of its own for the autoscaled demo.
     */
    public static SampleBackend start(String name, String colour, int port) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(colour, "colour");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        SampleBackend backend = new SampleBackend(name, colour, server, executor);
        server.createContext("/", backend::handle);
        server.setExecutor(executor);
        server.start();
        return backend;
    }

    /** Its name. */
    public String name() {
        return name;
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code 127.0.0.1:port}, the form a configuration file uses. */
    public String hostPort() {
        InetSocketAddress a = address();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** Stops listening and closes its connections. */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            String path = exchange.getRequestURI().getRawPath();
            exchange.getResponseHeaders().set("X-Backend", name);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("/health".equals(path)) {
                send(exchange, "text/plain; charset=utf-8", "ok");
            } else {
                send(exchange, "text/html; charset=utf-8", page(exchange));
            }
        }
    }

    private static void send(HttpExchange exchange, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private String page(HttpExchange exchange) {
        String uri = exchange.getRequestURI().toString();
        return """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>%1$s</title>
                <style>
                  body { margin: 0; font-family: system-ui, sans-serif; background: %2$s; color: #fff;
                         display: flex; align-items: center; justify-content: center; min-height: 100vh; }
                  main { text-align: center; }
                  h1 { font-size: 4rem; margin: 0 0 1rem; }
                  code { background: rgba(0,0,0,.25); padding: .2rem .5rem; border-radius: .3rem; }
                </style></head>
                <body><main>
                  <h1>%1$s</h1>
                  <p>answered <code>%3$s %4$s</code></p>
                  <p>Reload to see Fulcrum spread requests over the backends; <a href="/sticky" style="color:#fff">/sticky</a> keeps you on one.</p>
                </main></body>
                </html>
                """.formatted(escape(name), escape(colour), escape(exchange.getRequestMethod()), escape(uri));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
