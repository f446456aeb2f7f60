package io.fulcrum.admin.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A call builds only the commands it names, and reads its arguments exactly as the whole tree
 * does; where the branch is not certain it gets the whole tree.
 */
class CommandTreeTest {

    private static final CommandTree TREE = new CommandTree().group(CtlCommand.class, CtlCommand.SUBCOMMANDS);

    @ParameterizedTest
    @ValueSource(strings = {"backends", "--server http://127.0.0.1:1/ backends", "--json backends",
            "--server=http://127.0.0.1:1/ --token t drain web b1", "backends --json", "cluster nodes",
            "--ctl-config /dev/null weight web b1 5", "get dns/stats"})
    void aCallThatNamesItsCommandBuildsThatCommandAlone(String args) {
        String[] a = args.split(" ");
        CommandLine lazy = TREE.forArguments(CtlCommand.class, a);
        assertThat(lazy.getSubcommands()).hasSize(1);
        assertThat(chain(lazy.parseArgs(a))).isEqualTo(chain(CtlCommand.commandLine().parseArgs(a)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bakends", "--help", "help drain", "--unknown backends", "-- backends"})
    void anUncertainCallGetsTheWholeTree(String args) {
        String[] a = args.isEmpty() ? new String[0] : args.split(" ");
        CommandLine lazy = TREE.forArguments(CtlCommand.class, a);
        assertThat(lazy.getSubcommands().keySet())
                .containsExactlyElementsOf(CtlCommand.commandLine().getSubcommands().keySet())
                .hasSize(CtlCommand.SUBCOMMANDS.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--server backends pools", "--token drain backends"})
    void anOptionsValueThatNamesACommandGetsTheWholeTreeAndPicoclisRefusal(String args) {
        String[] a = args.split(" ");
        CommandLine lazy = TREE.forArguments(CtlCommand.class, a);
        assertThat(lazy.getSubcommands()).hasSize(CtlCommand.SUBCOMMANDS.size());
        assertThatThrownBy(() -> lazy.parseArgs(a)).isInstanceOf(CommandLine.MissingParameterException.class)
                .hasMessageContaining("Expected parameter for option");
    }

    @ParameterizedTest
    @ValueSource(strings = {"backends", "drain"})
    void inheritedOptionsReachTheChosenCommand(String command) {
        CommandLine lazy = TREE.forArguments(CtlCommand.class, new String[]{command});
        assertThat(lazy.getSubcommands().get(command).getCommandSpec().findOption("--server")).isNotNull();
        assertThat(lazy.getSubcommands().get(command).getCommandSpec().findOption("--json")).isNotNull();
    }

    /** Each matched command's name with its matched options and positional values, top down. */
    private static List<String> chain(ParseResult result) {
        List<String> out = new ArrayList<>();
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            out.add(r.commandSpec().name() + " " + r.matchedOptions().stream()
                    .map(o -> o.longestName() + "=" + String.valueOf((Object) o.getValue())).toList() + " " + r.matchedPositionals().stream()
                    .map(p -> String.valueOf((Object) p.getValue())).toList());
        }
        return out;
    }
}
