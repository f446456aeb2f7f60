package io.fulcrum.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The command tree itself: help, version and usage errors. */
class CommandLineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "validate", "demo", "version"})
    void everySubcommandHasHelpWithExitCodes(String subcommand) {
        assertThat(execute(subcommand, "--help")).isZero();
        assertThat(out.toString()).contains("Usage: fulcrum " + subcommand).contains("Exit codes:");
    }

    @Test
    void topLevelHelpListsCommandsAndExitCodes() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("run", "validate", "demo", "version", "Exit codes:");
    }

    @Test
    void topLevelHelpNamesEveryRoleNotOnlyTheHttpProxy() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("L4", "DNS", "GSLB", "health checks");
    }

    @Test
    void agentHelpListsTheAgentsOwnExitCodes() {
        assertThat(execute("agent", "--help")).isZero();
        String help = out.toString();
        assertThat(help.substring(help.indexOf("Exit codes:")))
                .contains("stopped cleanly by SIGINT or SIGTERM", "no token")
                .doesNotContain("run and demo");
    }

    @Test
    void versionWithoutAManifestIsDev() {
        assertThat(execute("version")).isZero();
        assertThat(out.toString()).startsWith("fulcrum dev\nJava ");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(execute()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing command");
    }

    @Test
    void runWithoutConfigIsAUsageError() {
        assertThat(execute("run")).isEqualTo(2);
        assertThat(err.toString()).contains("--config");
    }

    @Test
    void demoRejectsAPortOutOfRange() {
        assertThat(execute("demo", "--port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("--port");
    }
}
