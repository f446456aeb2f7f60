package io.fulcrum.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.admin.testing.ThreeBackendNodeTest;
import io.fulcrum.core.backend.BackendState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fulcrum ctl} against a running node: tables, --json, changes, and where the server and token come from. */
class CtlCommandTest extends ThreeBackendNodeTest {

    private StringWriter out;
    private StringWriter err;

    @AfterEach
    void realEnvironment() {
        CtlCommand.env = System::getenv;
    }

    private int ctl(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cmd = CtlCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void readsAsTablesOrJsonAndChangesWithAnAdminToken() throws Exception {
        String server = node.adminUri().toString();
        assertThat(ctl("--server", server, "--token", AdminFixture.READ_TOKEN, "backends")).isZero();
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines[0]).startsWith("POOL").contains("BACKEND", "HEALTH", "WEIGHT", "RPS", "P99MS");
        assertThat(lines).hasSize(4);
        assertThat(lines[1]).contains("app", "alpha", "up");

        assertThat(ctl("--server", server, "--token", AdminFixture.READ_TOKEN, "--json", "pools")).isZero();
        JsonNode pools = AdminClient.JSON.readTree(out.toString());
        assertThat(pools.get(0).get("name").asText()).isEqualTo("app");

        assertThat(ctl("--server", server, "--token", AdminFixture.READ_TOKEN, "drain", "app", "alpha")).isEqualTo(1);
        assertThat(err.toString()).contains("403").contains("read role");
        assertThat(node.proxy().backend("app", "alpha").state()).isEqualTo(BackendState.UP);

        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "drain", "app", "alpha")).isZero();
        assertThat(out.toString()).contains("draining");
        assertThat(node.proxy().backend("app", "alpha").state()).isEqualTo(BackendState.DRAINING);
        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "weight", "app", "beta", "4")).isZero();
        assertThat(node.proxy().backend("app", "beta").weight()).isEqualTo(4);
        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "weight", "app", "beta", "adaptive")).isZero();
        assertThat(node.proxy().backend("app", "beta").weight()).isEqualTo(1);
        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "add", "app", "127.0.0.1:1", "--name", "d")).isZero();
        assertThat(node.proxy().backend("app", "d")).isNotNull();
        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "remove", "app", "d")).isZero();
        assertThat(node.proxy().backend("app", "d")).isNull();
        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "stickiness", "web", "default",
                "--enabled", "--timeout", "2m")).isZero();
        assertThat(node.config().listeners().getFirst().routes().get(1).stickiness().enabled()).isTrue();
        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "importance", "app", "service=2")).isZero();
        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "reload")).isZero();
        assertThat(ctl("--server", server, "--token", AdminFixture.ADMIN_TOKEN, "events")).isZero();
        assertThat(out.toString()).contains("admin.backend.drain").contains("ops");
        for (String read : List.of("status", "services", "listeners", "routes", "sticky", "state")) {
            assertThat(ctl("--server", server, "--token", AdminFixture.READ_TOKEN, read)).as(read).isZero();
        }
        assertThat(ctl("--server", server, "--token", AdminFixture.READ_TOKEN, "connections")).isEqualTo(1);
        assertThat(err.toString()).contains("no L4 router");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "listeners: []\npools: []\n");
        assertThat(ctl("--server", server, "--token", AdminFixture.READ_TOKEN, "validate", bad.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("invalid").contains("listeners");
    }

    @Test
    void failDrainWithADeadlineAddWithLocalityAndTheEndpointList() throws Exception {
        String server = node.adminUri().toString();
        String admin = AdminFixture.ADMIN_TOKEN;
        assertThat(ctl("--server", server, "--token", admin, "fail", "app", "alpha", "--reason", "disk gone")).isZero();
        assertThat(out.toString()).contains("alpha").contains("down");
        assertThat(node.proxy().backend("app", "alpha").state()).isEqualTo(BackendState.DOWN);
        assertThat(node.events().latest(10)).anyMatch(e -> e.kind().equals("admin.backend.fail")
                && e.reason().contains("disk gone"));

        assertThat(ctl("--server", server, "--token", admin, "--json", "drain", "app", "beta", "--until", "1h")).isZero();
        assertThat(AdminClient.JSON.readTree(out.toString()).get("health").asText()).isEqualTo("up");
        assertThat(node.proxy().backend("app", "beta").state()).isEqualTo(BackendState.UP);
        assertThat(ctl("--server", server, "--token", admin, "state")).isZero();
        assertThat(out.toString()).contains("\"from\"");
        assertThat(ctl("--server", server, "--token", admin, "drain", "app", "beta", "--until", "whenever")).isEqualTo(1);
        assertThat(err.toString()).contains("400").contains("until");

        assertThat(ctl("--server", server, "--token", admin, "add", "app", "127.0.0.1:1", "--name", "far",
                "--site", "west", "--host", "h9")).isZero();
        assertThat(node.proxy().backend("app", "far").site()).isEqualTo("west");
        assertThat(node.proxy().backend("app", "far").hostName()).isEqualTo("h9");

        assertThat(ctl("--server", server, "--token", AdminFixture.READ_TOKEN, "endpoints")).isZero();
        assertThat(out.toString()).contains("METHOD").contains("/api/v1/pools/{pool}/backends/{backend}/fail")
                .contains("admin");
        // ctl shows where each weight comes from.
        assertThat(ctl("--server", server, "--token", admin, "weight", "app", "gamma", "3")).isZero();
        assertThat(out.toString()).contains("operator");
    }

    @Test
    void serverAndTokenComeFromTheEnvironmentOrTheCtlFile() throws Exception {
        String server = node.adminUri().toString();
        CtlCommand.env = Map.of("FULCRUM_ADMIN", server, "FULCRUM_TOKEN", AdminFixture.READ_TOKEN)::get;
        assertThat(ctl("status")).isZero();
        CtlCommand.env = Map.<String, String>of()::get;
        Path file = dir.resolve("ctl.yaml");
        Files.writeString(file, "server: " + server + "\ntoken: " + AdminFixture.READ_TOKEN + "\n");
        assertThat(ctl("--ctl-config", file.toString(), "pools")).isZero();
        assertThat(ctl("--ctl-config", file.toString(), "--token", "wrong-token-000000", "pools")).isEqualTo(1);
        assertThat(err.toString()).contains("401");
    }
}
