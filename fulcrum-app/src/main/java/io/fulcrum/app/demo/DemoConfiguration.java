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

    /**
     * The autoscaled demo's YAML text: the same listener, and one pool with no backends of its own
     * whose members the {@code process} provisioner starts ({@code memberCommand}, a program and its
     * arguments with {@code {port}} and {@code {name}}), tracking {@value #AUTOSCALE_TARGET} requests/s per member between 1 and
     * {@value #AUTOSCALE_MAX} members, with the admin section (its dashboard shows the pool's size).
     */
    public static String autoscaleYaml(int port, int adminPort, String adminToken, List<String> memberCommand) {
        if (port < 1 || port > 65535 || adminPort < 1 || adminPort > 65535) {
            throw new IllegalArgumentException("port out of range: " + port + ", " + adminPort);
        }
        return """
                # Written by `fulcrum demo --autoscale`. Try it yourself: fulcrum run -c <this file>
                server:
                  shutdownGrace: 2s
                  stickyPurgeInterval: 1s
                accessLog:
                  enabled: false
                listeners:
                  - name: demo
                    bind: 127.0.0.1:%d
                    routes:
                      - name: sticky
                        match:
                          pathPrefix: /sticky
                        pool: demo
                        stickiness:
                          enabled: true
                          mode: cookie
                          cookieName: %s
                          timeout: 30s
                      - name: default
                        pool: demo
                pools:
                  - name: demo
                    health:
                      checks:
                        - type: {http: {path: /health}}
                          interval: 1s
                          timeout: 1s
                          rise: 1
                          fall: 2
                      slowStart: 5s            # a new member's weight ramps up over 5 s
                    autoscale:
                      provisioner:
                        process:               # each member is a `fulcrum demo-backend` process
                          command: %s
                      metric: requestsPerBackend
                      target: %d               # requests/s each member is sized for
                      min: 1
                      max: %d
                      interval: 2s
                      cooldown: 5s
                      stabilization: {up: 4s, down: 20s}
                      drainTimeout: 60s
                    backends: []               # the provisioner starts them
                # The admin API, dashboard and /metrics (loopback only); the token was generated for this run.
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - name: demo
                      role: admin
                      token: %s
                """.formatted(port, STICKY_COOKIE, yamlList(memberCommand), AUTOSCALE_TARGET, AUTOSCALE_MAX, adminPort, adminToken);
    }

    /** Requests per second one member of the autoscaled demo is sized for. */
    public static final int AUTOSCALE_TARGET = 20;
    /** The most members the autoscaled demo starts. */
    public static final int AUTOSCALE_MAX = 4;

    /** Writes {@link #autoscaleYaml} to {@code fulcrum-demo.yaml} in {@code directory}. */
    public static Path writeAutoscale(Path directory, int port, int adminPort, String adminToken,
                                      List<String> memberCommand)
            throws IOException {
        return Files.writeString(directory.resolve("fulcrum-demo.yaml"),
                autoscaleYaml(port, adminPort, adminToken, memberCommand));
    }

    /**
     * The command that runs one demo member: this JVM's {@code java}, small and quick to start, on
     * this process's class path (in a java {@code @argfile} written to {@code directory}, so a long or
     * spaced class path stays one argument), running {@code fulcrum demo-backend}.
     */
    public static List<String> memberCommand(Path directory) throws IOException {
        Path argfile = directory.resolve("demo-backend.args");
        StringBuilder cp = new StringBuilder();
        for (String part : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            cp.append(cp.isEmpty() ? "" : java.io.File.pathSeparator).append(Path.of(part).toAbsolutePath());
        }
        Files.writeString(argfile, "-cp \"" + cp.toString().replace("\\", "\\\\") + "\"\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "@" + argfile,
                "io.fulcrum.app.FulcrumCommand", "demo-backend", "--port", "{port}", "--name", "{name}");
    }

    /** A YAML flow sequence of single-quoted strings ({@code ['a', 'it''s']}). */
    public static String yamlList(List<String> items) {
        StringBuilder y = new StringBuilder("[");
        for (String item : items) {
            y.append(y.length() == 1 ? "" : ", ").append('\'').append(item.replace("'", "''")).append('\'');
        }
        return y.append(']').toString();
    }
}
