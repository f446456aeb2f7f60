package io.fulcrum.app;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.health.AgentClientConfig;
import io.fulcrum.health.agent.HostAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code fulcrum agent}: the host agent that runs on a server host and serves its
 * host metrics and its shadow connection table to the manager over HTTP with a
 * shared token (see docs/health.md).
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Run the host agent on a server host: serves GET /metrics (CPU load, memory in use, "
                        + "established connections per service port, script outputs) and GET /connections "
                        + "(the shadow table) over HTTP, each request with 'Authorization: Bearer <token>'.",
                "Serves until SIGINT or SIGTERM."
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.LIST_STOPPED,
                "1:could not start (for example the listen address is in use)",
                "2:invalid command line (no token, an unreadable token file, a bad --listen); nothing was started"})
public final class AgentCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum");

    @Spec
    private CommandSpec spec;

    @Option(names = {"-l", "--listen"}, paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:" + AgentClientConfig.DEFAULT_PORT,
            description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    private String listen;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Shared token (prefer --token-file: "
            + "a token on the command line is visible to other users of the host).")
    private String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the shared token.")
    private Path tokenFile;

    @Option(names = {"-p", "--service-port"}, paramLabel = "PORT", split = ",",
            description = "Service port whose established connections are counted and listed (repeatable).")
    private List<Integer> servicePorts = List.of();

    @Option(names = {"-s", "--script"}, paramLabel = "NAME=COMMAND",
            description = "Operator script run with 'sh -c' on each /metrics request; its output (and the number "
                    + "on its first line) is reported under NAME (repeatable).")
    private Map<String, String> scripts = new LinkedHashMap<>();

    @Option(names = "--script-timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "Time one script may run (default: ${DEFAULT-VALUE}).")
    private String scriptTimeout;

    @Override
    public Integer call() throws Exception {
        String secret = token;
        if (tokenFile != null) {
            if (token != null) {
                throw new ParameterException(spec.commandLine(), "give either --token or --token-file, not both");
            }
            try {
                secret = Files.readString(tokenFile).strip();
            } catch (IOException e) {
                spec.commandLine().getErr().println("cannot read token file " + tokenFile + ": " + e.getMessage());
                return ExitCodes.INVALID;
            }
        }
        if (secret == null || secret.isBlank()) {
            throw new ParameterException(spec.commandLine(), "a token is required: --token-file FILE or --token TOKEN");
        }
        Duration timeout;
        try {
            timeout = io.fulcrum.control.config.ConfigUnits.parseDuration(scriptTimeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--script-timeout: " + e.getMessage());
        }
        HostPort at;
        try {
            at = HostPort.parse(listen, HostPort.Use.LISTEN);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
        }
        HostAgent agent = new HostAgent(new HostAgent.Settings(at.socketAddress(), secret,
                Set.copyOf(servicePorts), scripts, timeout));
        try (StopSignal stop = StopSignal.install(Duration.ofSeconds(5))) {
            agent.start();
            spec.commandLine().getOut().println("fulcrum agent serving on " + agent.address());
            spec.commandLine().getOut().flush();
            stop.await();
        } catch (IOException e) {
            spec.commandLine().getErr().println("agent cannot start: " + e.getMessage());
            return ExitCodes.FAILURE;
        } finally {
            agent.close();
            LOG.info("agent stopped");
        }
        return ExitCodes.OK;
    }
}
