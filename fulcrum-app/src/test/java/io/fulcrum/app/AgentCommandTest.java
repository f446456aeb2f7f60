package io.fulcrum.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fulcrum agent}: its help, and the mistakes refused before anything starts. */
class AgentCommandTest {

    private final InProcessCli cli = new InProcessCli();

    @TempDir
    Path dir;

    @Test
    void helpListsTheOptions() {
        assertThat(cli.execute("agent", "--help")).isZero();
        assertThat(cli.out()).contains("Usage: fulcrum agent", "--token-file", "--service-port", "--script",
                "Exit codes:");
    }

    @Test
    void aTokenIsRequired() {
        assertThat(cli.execute("agent", "--listen", "127.0.0.1:0")).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err()).contains("a token is required");
    }

    @Test
    void anUnreadableTokenFileIsRefused() {
        assertThat(cli.execute("agent", "--token-file", dir.resolve("missing").toString())).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err()).contains("cannot read token file");
    }

    @Test
    void aBadListenAddressIsRefused() {
        assertThat(cli.execute("agent", "--token", "t", "--listen", "nowhere")).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err()).contains("--listen: missing port: write host:port");
        assertThat(cli.execute("agent", "--token", "t", "--listen", "127.0.0.1:http")).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err()).contains("--listen: the port must be a number");
    }
}
