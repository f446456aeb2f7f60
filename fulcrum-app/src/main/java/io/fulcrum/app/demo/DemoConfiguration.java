package io.fulcrum.app.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the demo's configuration file: one listener on {@code 127.0.0.1:PORT}, a
 * {@code /sticky} route with cookie stickiness, a default route, and one pool over the
 * sample backends with weights 1, 2, 3, ... balanced by smooth weighted round robin.
 *
 * <p>The demo writes real YAML and loads it with the real loader, so that what a
 * newcomer sees running is exactly what that file says, and they can copy it.
 */
public final class DemoConfiguration {

    /** The cookie that pins a browser to one backend on {@code /sticky}. */
    public static final String STICKY_COOKIE = "FULCRUM_DEMO";

    private DemoConfiguration() {
    }

    /**
     * The YAML text.
     *
     * @param port     the proxy's port on 127.0.0.1 (1-65535)
     * @param backends the sample backends; the n-th gets weight n
     */
    public static String yaml(int port, List<SampleBackend> backends) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        StringBuilder y = new StringBuilder();
        y.append("""
                # Written by `fulcrum demo`. Try it yourself: fulcrum run -c <this file>
                # (the sample backends only live as long as the demo, though).
                server:
                  shutdownGrace: 2s
                accessLog:
                  enabled: true
                  format: text
                  path: stdout
                listeners:
                  - name: demo
                    bind: 127.0.0.1:%d
                    routes:
                      # The first matching route wins, so /sticky comes before the catch-all.
                      - name: sticky
                        match:
                          pathPrefix: /sticky
                        pool: demo
                        stickiness:
                          enabled: true
                          mode: cookie
                          cookieName: %s
                      - name: default
                        pool: demo
                pools:
                  - name: demo
                    algorithm: smooth-weighted-round-robin
                    backends:
                """.formatted(port, STICKY_COOKIE));
        int weight = 1;
        for (SampleBackend backend : backends) {
            y.append("      - name: ").append(backend.name()).append('\n')
                    .append("        address: ").append(backend.hostPort()).append('\n')
                    .append("        weight: ").append(weight++).append('\n');
        }
        return y.toString();
    }

    /**
     * The YAML text with an {@code admin} section: the admin API and dashboard on
     * {@code 127.0.0.1:adminPort}, with one admin token.
     */
    public static String yaml(int port, List<SampleBackend> backends, int adminPort, String adminToken) {
        if (adminPort < 1 || adminPort > 65535) {
            throw new IllegalArgumentException("admin port out of range: " + adminPort);
        }
        return yaml(port, backends) + """
                # The admin API, dashboard and /metrics (loopback only). The token was generated for
                # this run; changes made through the API are kept in fulcrum-state.json beside this file.
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - name: demo
                      role: admin
                      token: %s
                """.formatted(adminPort, adminToken);
    }

    /** Writes {@link #yaml(int, List, int, String)} to {@code fulcrum-demo.yaml} in {@code directory}. */
    public static Path write(Path directory, int port, List<SampleBackend> backends, int adminPort, String adminToken)
            throws IOException {
        return Files.writeString(directory.resolve("fulcrum-demo.yaml"), yaml(port, backends, adminPort, adminToken));
    }

    /** Writes {@link #yaml} to {@code fulcrum-demo.yaml} in {@code directory} and returns the file. */
    public static Path write(Path directory, int port, List<SampleBackend> backends) throws IOException {
        return Files.writeString(directory.resolve("fulcrum-demo.yaml"), yaml(port, backends));
    }
}
