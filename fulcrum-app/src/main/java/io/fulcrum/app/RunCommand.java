package io.fulcrum.app;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigUnits;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.proxy.ProxyServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code fulcrum run -c FILE}: loads and validates a configuration, starts the proxy
 * on it and serves until SIGINT or SIGTERM, then shuts down gracefully.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Start Fulcrum with a configuration file and serve until SIGINT or SIGTERM.",
                "On a signal it stops accepting, lets requests in flight finish "
                        + "(up to server.shutdownGrace) and exits 0."
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.LIST_OK, ExitCodes.LIST_FAILURE, ExitCodes.LIST_INVALID})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum");

    /** Time allowed on top of the configured grace period for closing event loops and flushing logs. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        FulcrumConfig loaded;
        try {
            LoadedConfig checked = config.load();
            config.warningLines(checked).forEach(w -> LOG.warn("configuration: {}", w));
            loaded = checked.config();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }

        // Installed before start() so that a Ctrl-C during start-up still stops cleanly.
        try (StopSignal stop = StopSignal.install(loaded.server().shutdownGrace().plus(STOP_MARGIN))) {
            try (ProxyServer proxy = new ProxyServer(loaded)) {
                try {
                    proxy.start();
                } catch (IOException e) {
                    err.println("fulcrum: cannot start: " + e.getMessage());
                    err.flush();
                    return ExitCodes.FAILURE;
                }
                LOG.info("fulcrum {} running {} ({})", VersionProvider.version(), config.file(),
                        ConfigSummary.of(loaded));
                logBoundAddresses(proxy.boundAddresses());

                stop.await();
                LOG.info("stopping ({}); requests in flight get up to {}",
                        stop.signalled() ? "signal received" : "interrupted",
                        ConfigUnits.formatDuration(loaded.server().shutdownGrace()));
            } // closing the proxy is its graceful shutdown
            LOG.info("stopped");
            return ExitCodes.OK;
        }
    }

    private static void logBoundAddresses(Map<String, InetSocketAddress> bound) {
        bound.forEach((listener, address) -> LOG.info("listener {} on {}", listener, Addresses.hostPort(address)));
    }
}
