package io.fulcrum.app.imports;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real HAProxy or NGINX (the Debian packages, when installed) running a source configuration in
 * the foreground, so a test can send it the same requests as Fulcrum running the converted one.
 */
final class ReferenceProxy implements AutoCloseable {

    static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final Path log;

    private ReferenceProxy(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code haproxy -db -f cfg} (-db: stay in the foreground whatever the file says). */
    static ReferenceProxy haproxy(Path cfg, List<Integer> ports) throws Exception {
        return start(List.of(HAPROXY.toString(), "-db", "-f", cfg.toString()), cfg, ports);
    }

    /**
     * {@code nginx -c conf -p dir -g "daemon off;"}; the file's own {@code daemon on;} is left out of
     * the copy it runs, since NGINX refuses the directive twice.
     */
    static ReferenceProxy nginx(String text, Path dir, List<Integer> ports) throws Exception {
        Path conf = Files.writeString(dir.resolve("reference-nginx.conf"), text.replace("daemon on;", ""));
        return start(List.of(NGINX.toString(), "-c", conf.toString(), "-p", dir.toString(), "-g", "daemon off;"),
                conf, ports);
    }

    private static ReferenceProxy start(List<String> command, Path config, List<Integer> ports) throws Exception {
        Path log = config.resolveSibling(config.getFileName() + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ReferenceProxy proxy = new ReferenceProxy(p, log);
        try {
            for (int port : ports) {
                proxy.awaitListening(port);
            }
        } catch (Exception e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    /** Waits (at most 20 s) until {@code port} on 127.0.0.1 accepts connections. */
    private void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the reference proxy exited: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nothing listens on " + port + ": " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
