package io.fulcrum.app;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fulcrum}'s tree: a call builds only its branch, {@code ctl config} included; help gets everything. */
class FulcrumCommandTreeTest {

    @Test
    void aCtlCallBuildsCtlAndItsCommandOnly() {
        CommandLine line = FulcrumCommand.commandLine(new String[]{"ctl", "--server", "http://127.0.0.1:1/", "backends"});
        assertThat(line.getSubcommands().keySet()).containsExactly("ctl");
        assertThat(line.getSubcommands().get("ctl").getSubcommands().keySet()).containsExactly("backends");
    }

    @Test
    void ctlConfigComesFromTheAppModulesOwnEntryInTheTree() {
        CommandLine line = FulcrumCommand.commandLine(new String[]{"ctl", "config", "get"});
        assertThat(line.getSubcommands().get("ctl").getSubcommands().keySet()).containsExactly("config");
        assertThat(line.getSubcommands().get("ctl").getSubcommands().get("config").getSubcommands()).containsKey("get");
        assertThat(FulcrumCommand.commandLine().getSubcommands().get("ctl").getSubcommands()).containsKeys("config", "backends", "help");
    }

    @Test
    void helpAndTheWholeTreeListEveryCommandInTheTablesOrder() {
        assertThat(FulcrumCommand.commandLine(new String[]{"--help"}).getSubcommands().keySet())
                .containsExactly("run", "reload", "validate", "demo", "demo-backend", "handoff", "agent", "ctl",
                        "version", "schema", "conns", "import", "help");
        assertThat(FulcrumCommand.commandLine(new String[]{"help", "ctl"}).getSubcommands())
                .hasSize(FulcrumCommand.SUBCOMMANDS.size());
    }
}
