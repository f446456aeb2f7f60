package io.fulcrum.app;

import io.fulcrum.admin.AdminService;
import io.fulcrum.app.demo.DemoConfiguration;
import io.fulcrum.app.demo.SampleBackend;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.app.node.FulcrumNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code fulcrum demo}: the whole thing on one machine in one command.
 *
 * <p>Starts three sample backends in this process, writes a configuration for them to
 * a temporary directory, loads it through the real configuration loader and starts the
 * real proxy on it. Ctrl-C stops the proxy and the backends and deletes the directory.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Show Fulcrum balancing three sample backends, all in this process.",
                "The backends get weights 1, 2 and 3 under smooth weighted round robin; /sticky keeps a browser "
                        + "on one backend by cookie. Prints the proxy URL and the configuration file it wrote "
                        + "(and loaded); Ctrl-C stops everything and deletes that file."
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.LIST_STOPPED, "1:could not start (for example the port is in use: try --port 0)",
                "2:invalid command line"})
public final class DemoCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum");

    /** The listener name in the demo configuration. */
    private static final String LISTENER = "demo";

    /** Configured grace (2 s) plus time for event loops, backends and logs. */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "Port of the proxy on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--admin-port", paramLabel = "N", defaultValue = "" + io.fulcrum.core.config.admin.AdminConfig.DEFAULT_PORT,
            description = "Port of the admin API and dashboard on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int adminPort;

    @Option(names = "--no-browser-hint", description = "Do not print the hint to open the page in a browser.")
    private boolean noBrowserHint;

    @Option(names = "--autoscale", description = "Autoscale the demo's pool instead: its members are sample backends "
            + "in processes of their own, started and stopped by the process provisioner as a load comes and goes.")
    private boolean autoscale;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, not " + port);
        }
        if (adminPort < 0 || adminPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--admin-port must be between 0 and 65535, not " + adminPort);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<SampleBackend> backends = new ArrayList<>();
        Path directory = null;
        try (StopSignal stop = StopSignal.install(STOP_LIMIT)) {
            try {
                directory = Files.createTempDirectory("fulcrum-demo-");
                String token = newToken();
                int proxyPort = port == 0 ? freeLoopbackPort() : port;
                int apiPort = adminPort == 0 ? freeLoopbackPort() : adminPort;
                Path file;
                if (autoscale) {
                    file = DemoConfiguration.writeAutoscale(directory, proxyPort, apiPort, token,
                            DemoConfiguration.memberCommand(directory));
                } else {
                    backends.add(SampleBackend.start("alpha", "#c0392b"));
                    backends.add(SampleBackend.start("beta", "#2471a3"));
                    backends.add(SampleBackend.start("gamma", "#1e8449"));
                    file = DemoConfiguration.write(directory, proxyPort, backends, apiPort, token);
                }
                FulcrumConfig config = ConfigLoader.load(file);

                try (FulcrumNode node = FulcrumNode.create(config, file)) {
                    try {
                        node.start();
                    } catch (IOException e) {
                        err.println("fulcrum demo: cannot start: " + e.getMessage());
                        err.println("Another program may be using the port; try --port 0 and --admin-port 0 (any free ports), or other ports.");
                        err.flush();
                        return ExitCodes.FAILURE;
                    }
                    printWelcome(out, node.boundAddresses().get(LISTENER), file, backends,
                            node.service(AdminService.class), token);
                    stop.await();
                    LOG.info("demo stopping");
                }
                return ExitCodes.OK;
            } catch (ConfigException e) {
                // The demo wrote this file itself, so this is a bug in Fulcrum, not the user's mistake.
                err.println("fulcrum demo: the generated configuration was refused:");
                err.println(e.getMessage());
                err.flush();
                return ExitCodes.FAILURE;
            } catch (IOException | UncheckedIOException e) {
                err.println("fulcrum demo: cannot start: " + e.getMessage());
                err.flush();
                return ExitCodes.FAILURE;
            } finally {
                backends.forEach(SampleBackend::close);
                deleteRecursively(directory, err);
            }
        }
    }

    private void printWelcome(PrintWriter out, InetSocketAddress proxyAddress, Path file,
                              List<SampleBackend> backends, AdminService admin, String token) {
        int weight = 1;
        for (SampleBackend backend : backends) {
            out.println("backend " + backend.name() + " (weight " + weight++ + "): http://" + backend.hostPort() + "/");
        }
        String proxyUrl = "http://127.0.0.1:" + proxyAddress.getPort() + "/";
        out.println("proxy: " + proxyUrl);
        out.println("config: " + file);
        if (autoscale) {
            out.println("autoscaling pool demo: 1 to " + DemoConfiguration.AUTOSCALE_MAX + " members, "
                    + DemoConfiguration.AUTOSCALE_TARGET + " requests/s each; each member is a process of its own.");
            out.println("load: h2load --h1 -D 60 -c 4 --rps 25 " + proxyUrl
                    + "  (100 requests/s for a minute: the pool grows, then shrinks by draining when it ends)");
        } else if (!noBrowserHint) {
            out.println("Open " + proxyUrl + " in a browser and reload a few times: alpha, beta and gamma answer "
                    + "in the ratio 1:2:3. " + proxyUrl + "sticky keeps you on one backend (cookie "
                    + DemoConfiguration.STICKY_COOKIE + ").");
        }
        if (admin != null && admin.url() != null) {
            out.println("dashboard: " + admin.url() + " (token: " + token + ")");
            out.println("api: curl -H 'Authorization: Bearer " + token + "' " + admin.url() + "api/v1/backends");
            out.println("ctl: FULCRUM_ADMIN=" + admin.url() + " FULCRUM_TOKEN=" + token + " " + Invocation.command()
                    + " ctl backends");
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /** A fresh random admin token for this run (printed, never logged). */
    private static String newToken() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * A port that is free on 127.0.0.1 right now. The demo resolves {@code --port 0} itself
     * rather than writing port 0 into the file: the printed configuration then names the
     * port actually served, and a listener bind must name a real port (1-65535).
     */
    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static void deleteRecursively(Path directory, PrintWriter err) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            err.println("fulcrum demo: could not delete " + directory + ": " + e.getMessage());
            err.flush();
        }
    }
}
