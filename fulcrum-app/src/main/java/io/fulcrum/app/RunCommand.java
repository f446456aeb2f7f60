package io.fulcrum.app;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigUnits;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.reload.ConfigFileWatcher;
import io.fulcrum.control.reload.ConfigReloader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.app.node.FulcrumNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code fulcrum run -c FILE}: loads and validates a configuration, starts the proxy
 * on it and serves until SIGINT or SIGTERM, then shuts down gracefully.
 *
 * <p>While it serves, a change of the file (unless {@code --no-watch}), SIGHUP, or
 * {@code fulcrum reload} reloads it through a {@link ConfigReloader}: a valid file is
 * applied without dropping connections, an invalid one is refused and logged.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Start Fulcrum with a configuration file and serve until SIGINT or SIGTERM.",
                "On a signal it stops accepting, lets requests in flight finish "
                        + "(up to server.shutdownGrace) and exits 0.",
                "The file is reloaded when it changes (unless --no-watch), on SIGHUP, and by "
                        + "`fulcrum reload`; a file that fails validation is refused and the running "
                        + "configuration keeps serving."
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.LIST_STOPPED, ExitCodes.LIST_FAILURE, ExitCodes.LIST_INVALID})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum");

    /** Time allowed on top of the configured grace period for closing event loops and flushing logs. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    @Spec
    private CommandSpec spec;

    /** Quiet time after a file change before it is reloaded (editors write in several steps). */
    private static final Duration WATCH_DEBOUNCE = Duration.ofMillis(250);

    @Mixin
    private ConfigFileOption config;

    @Option(names = "--no-watch", description = "Do not reload when the file changes (SIGHUP and `fulcrum reload` still do).")
    private boolean noWatch;

    /** The node once it exists, for the stop signal's time limit. */
    private volatile FulcrumNode serving;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Write the process id here while serving (for `fulcrum reload --pid-file`); removed on exit.")
    private Path pidFile;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Keep state files here instead of beside the configuration file: "
                    + "admin.stateFile, when relative, is resolved in DIR (the Debian package: /var/lib/fulcrum).")
    private Path stateDir;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "The process log on stderr: text (readable lines, the default) or json (one object per line). "
                    + "FULCRUM_LOG_FORMAT=json does the same from the first line on.")
    private String logFormat;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (logFormat != null && !logFormat.equals("text") && !logFormat.equals("json")) {
            err.println("fulcrum: --log-format must be text or json (got \"" + logFormat + "\")");
            err.flush();
            return ExitCodes.INVALID;
        }
        ProcessLogFormat.use(logFormat);
        if (stateDir != null && !java.nio.file.Files.isDirectory(stateDir)) {
            // Found now rather than at the first operator change, whose write would fail.
            err.println("fulcrum: --state-dir " + stateDir + ": not a directory");
            err.flush();
            return ExitCodes.FAILURE;
        }
        StoreFollower follower;
        try {
            follower = StoreFollower.open(config.file());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        } catch (IOException | RuntimeException e) {
            err.println("fulcrum: cannot open the configuration store: " + e.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
        try (follower) {
            LoadedConfig checked;
            try {
                // With a store, the file is the bootstrap and the configuration comes from the store.
                checked = follower != null ? follower.initial() : config.loadCompiled();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                err.flush();
                return ExitCodes.INVALID;
            } catch (IOException e) {
                err.println("fulcrum: cannot read the configuration store: " + e.getMessage());
                err.flush();
                return ExitCodes.FAILURE;
            }
            config.warningLines(checked).forEach(w -> LOG.warn("configuration: {}", w));
            return serve(err, checked, checked.config(), follower);
        }
    }

    /** How long a signalled stop may take: a cluster member's drain, then the proxy's grace, and a margin. */
    private static Duration stopLimit(FulcrumConfig config) {
        Duration drain = config.cluster().enabled() ? config.cluster().drainTimeout() : Duration.ZERO;
        return drain.plus(config.server().shutdownGrace()).plus(STOP_MARGIN);
    }

    private int serve(PrintWriter err, LoadedConfig checked, FulcrumConfig loaded, StoreFollower follower) {
        if (loaded.server().ownSession()) {
            LOG.info("server.ownSession: {}", OwnSession.detach());
        }

        // Installed before start() so that a Ctrl-C during start-up still stops cleanly.
        FulcrumConfig first = loaded;
        // The limit is read when the signal comes: a reload may have changed shutdownGrace.
        try (StopSignal stop = StopSignal.install(() -> stopLimit(serving != null ? serving.config() : first))) {
            FulcrumNode created;
            try {
                created = follower == null ? FulcrumNode.create(loaded, config.file(), stateDir)
                        : FulcrumNode.createFollowingStore(loaded, config.file(), stateDir);
            } catch (RuntimeException e) {
                return cannotStart(err, checked, e);
            }
            try (FulcrumNode node = created) {
                serving = node;
                try {
                    node.start();
                } catch (IOException | RuntimeException e) {
                    return cannotStart(err, checked, e);
                }
                LOG.info("fulcrum {} running {} ({})", VersionProvider.version(), config.file(),
                        ConfigSummary.of(loaded));
                logBoundAddresses(node.boundAddresses());

                ConfigReloader reloader = node.reloader(); // the node's one reload path
                ReloadSignal hup = follower != null ? null : ReloadSignal.install(() -> reloader.reload("SIGHUP"));
                ConfigFileWatcher watcher = null;
                PidFile pid = null;
                try {
                    if (follower != null) {
                        // The file is only the bootstrap: changes come from the store, not from it.
                        try {
                            follower.follow(reloader);
                        } catch (IOException e) {
                            err.println("fulcrum: cannot follow the configuration store: " + e.getMessage());
                            err.flush();
                            return ExitCodes.FAILURE;
                        }
                    } else if (!noWatch) {
                        try {
                            watcher = ConfigFileWatcher.start(config.file(), WATCH_DEBOUNCE,
                                    () -> reloader.reload("file changed"));
                        } catch (IOException e) {
                            LOG.warn("{}; reload with SIGHUP or `fulcrum reload` instead", e.getMessage());
                        }
                    }
                    if (pidFile != null) {
                        try {
                            pid = PidFile.write(pidFile);
                        } catch (IOException e) {
                            err.println("fulcrum: cannot write the pid file " + pidFile + ": " + e.getMessage());
                            err.flush();
                            return ExitCodes.FAILURE;
                        }
                    }

                    stop.await();
                    LOG.info("stopping ({}); requests in flight get up to {}",
                            stop.signalled() ? "signal received" : "interrupted",
                            ConfigUnits.formatDuration(reloader.current().server().shutdownGrace()));
                } finally {
                    reloader.close(); // waits for a reload in progress; none starts after this
                    if (pid != null) {
                        pid.close();
                    }
                    if (watcher != null) {
                        watcher.close();
                    }
                    if (hup != null) {
                        hup.close();
                    }
                }
            } // closing the node is its graceful shutdown
            LOG.info("stopped");
            return ExitCodes.OK;
        }
    }

    /**
     * Reports a failure to start in one line, never a stack trace: at the field of the file it
     * names when it names one (then the file is what is wrong, exit 2), else as it is (exit 1).
     */
    private int cannotStart(PrintWriter err, LoadedConfig checked, Exception e) {
        boolean field = false;
        for (Throwable t = e; t != null && !field; t = t.getCause()) {
            field = t instanceof InvalidFieldException;
        }
        String line = config.startFailure(checked, e);
        err.println(field ? line : "fulcrum: cannot start: " + line);
        err.flush();
        LOG.debug("start-up failure", e);
        return field ? ExitCodes.INVALID : ExitCodes.FAILURE;
    }

    private static void logBoundAddresses(Map<String, InetSocketAddress> bound) {
        bound.forEach((listener, address) -> LOG.info("listener {} on {}", listener, Addresses.hostPort(address)));
    }
}
