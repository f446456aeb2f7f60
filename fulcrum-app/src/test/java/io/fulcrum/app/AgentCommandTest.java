package io.fulcrum.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fulcrum agent}: its help, and the mistakes refused before anything starts. */
class AgentCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int execute(String... args) {
        CommandLine cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void helpListsTheOptions() {
        assertThat(execute("agent", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: fulcrum agent", "--token-file", "--service-port", "--script",
                "Exit codes:");
    }

    @Test
    void aTokenIsRequired() {
        assertThat(execute("agent", "--listen", "127.0.0.1:0")).isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains("a token is required");
    }

    @Test
    void anUnreadableTokenFileIsRefused() {
        assertThat(execute("agent", "--token-file", dir.resolve("missing").toString())).isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains("cannot read token file");
    }

    @Test
    void aBadListenAddressIsRefused() {
        assertThat(execute("agent", "--token", "t", "--listen", "nowhere")).isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains("--listen: missing port: write host:port");
        assertThat(execute("agent", "--token", "t", "--listen", "127.0.0.1:http")).isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains("--listen: the port must be a number");
    }
}
