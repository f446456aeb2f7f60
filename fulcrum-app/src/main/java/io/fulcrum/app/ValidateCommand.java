package io.fulcrum.app;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.LoadedConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code fulcrum validate -c FILE}: checks a configuration file without starting anything.
 *
 * <p>The file is read, validated and compiled as {@code run} would start it (certificates
 * and keys, zones and GSLB records, virtual services, peer and admin secrets), short of
 * binding sockets. On success prints {@code FILE: OK} and a one-line summary; otherwise
 * prints every problem on stderr, one line each with its line, column and field path.
 * Warnings (allowed but probably unintended) go to stderr and do not fail the check.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Check a configuration file and print a summary; start nothing.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:the configuration is valid", ExitCodes.LIST_INVALID})
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        LoadedConfig loaded;
        try {
            loaded = config.loadCompiled();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        // Warnings go to stderr so that stdout stays exactly "FILE: OK" and the summary.
        for (String warning : config.warningLines(loaded)) {
            err.println("warning: " + warning);
        }
        err.flush();
        PrintWriter out = spec.commandLine().getOut();
        out.println(config.file() + ": OK");
        out.println(ConfigSummary.of(loaded.config()));
        out.flush();
        return ExitCodes.OK;
    }
}
