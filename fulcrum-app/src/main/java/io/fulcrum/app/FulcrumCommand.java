package io.fulcrum.app;

import io.fulcrum.admin.cli.CommandTree;
import io.fulcrum.admin.cli.CtlCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code fulcrum} command line: the entry point of the packaged jar.
 *
 * <p>Each job is a subcommand ({@code run}, {@code reload}, {@code validate}, {@code demo}, {@code ctl},
 * {@code version}, {@code schema}); this class only assembles them and turns the chosen one's
 * result into the process exit code (see {@link ExitCodes}).
 */
@Command(
        name = "fulcrum",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Fulcrum, a software traffic manager: an HTTP (L7) and TCP/UDP (L4) proxy and "
                + "load balancer, an authoritative DNS server for global server load balancing (GSLB) "
                + "between sites, and the health checks and adaptive weights that steer them."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.LIST_OK, ExitCodes.LIST_FAILURE, ExitCodes.LIST_INVALID})
public final class FulcrumCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /**
     * The commands, in the order usage help lists them: a table rather than the annotation's
     * {@code subcommands}, so that a call builds only the command it runs ({@link CommandTree}).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            RunCommand.class, ReloadCommand.class, ValidateCommand.class, DemoCommand.class,
            DemoBackendCommand.class, HandoffCommand.class, AgentCommand.class, CtlCommand.class,
            VersionCommand.class, SchemaCommand.class, ConnsCommand.class, ImportCommand.class,
            CommandLine.HelpCommand.class);

    /** The command tree: this command's table, ctl's, and {@code ctl config} (the store, which the admin module does not know). */
    private static CommandTree tree() {
        return new CommandTree()
                .group(FulcrumCommand.class, SUBCOMMANDS)
                .group(CtlCommand.class, CtlCommand.SUBCOMMANDS)
                .group(CtlCommand.class, List.of(ConfigCtlCommand.class));
    }

    /** Builds the command line with all subcommands, ready to {@link CommandLine#execute execute} (help, completion, man pages). */
    public static CommandLine commandLine() {
        return tree().whole(FulcrumCommand.class);
    }

    /** Builds the command line with only the commands {@code args} runs (all of them where it is not certain which). */
    static CommandLine commandLine(String[] args) {
        return tree().forArguments(FulcrumCommand.class, args);
    }

    /** Held so the level set on it is not lost when the logger is collected. */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // gRPC (under the etcd client) logs through java.util.logging, at INFO on its own start-up
        // ("Epoll available..."); Fulcrum's log is SLF4J, and an operator's ctl output has no
        // place for it. Its warnings and errors still print.
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        // Before the first logger: a client command's logging is set up in code (ClientLogging).
        if (ClientLogging.isClient(args)) {
            System.setProperty(ClientLogging.PROPERTY, "true");
        }
        System.exit(commandLine(args).execute(args));
    }

    /** Called when no subcommand is given: that is a usage error, answered with the usage text. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: choose one of run, reload, validate, demo, handoff, agent, conns, ctl, import, version, schema");
    }
}
