package io.fulcrum.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The command tree itself: help, version and usage errors. */
class CommandLineTest {

    private final InProcessCli cli = new InProcessCli();

    @ParameterizedTest
    @ValueSource(strings = {"run", "validate", "demo", "version"})
    void everySubcommandHasHelpWithExitCodes(String subcommand) {
        assertThat(cli.execute(subcommand, "--help")).isZero();
        assertThat(cli.out()).contains("Usage: fulcrum " + subcommand).contains("Exit codes:");
    }

    @Test
    void topLevelHelpListsCommandsAndExitCodes() {
        assertThat(cli.execute("--help")).isZero();
        assertThat(cli.out()).contains("run", "validate", "demo", "version", "Exit codes:");
    }

    @Test
    void topLevelHelpNamesEveryRoleNotOnlyTheHttpProxy() {
        assertThat(cli.execute("--help")).isZero();
        assertThat(cli.out()).contains("L4", "DNS", "GSLB", "health checks");
    }

    @Test
    void agentHelpListsTheAgentsOwnExitCodes() {
        assertThat(cli.execute("agent", "--help")).isZero();
        String help = cli.out();
        assertThat(help.substring(help.indexOf("Exit codes:")))
                .contains("stopped cleanly by SIGINT or SIGTERM", "no token")
                .doesNotContain("run and demo");
    }

    @Test
    void versionWithoutAManifestIsDev() {
        assertThat(cli.execute("version")).isZero();
        assertThat(cli.out()).startsWith("fulcrum dev\nJava ");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(cli.execute()).isEqualTo(2);
        assertThat(cli.err()).contains("Missing command");
    }

    @Test
    void runWithoutConfigIsAUsageError() {
        assertThat(cli.execute("run")).isEqualTo(2);
        assertThat(cli.err()).contains("--config");
    }

    @Test
    void demoRejectsAPortOutOfRange() {
        assertThat(cli.execute("demo", "--port", "70000")).isEqualTo(2);
        assertThat(cli.err()).contains("--port");
    }
}
