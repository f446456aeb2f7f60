package io.fulcrum.app;

import io.fulcrum.admin.cli.CtlCommand;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line's defaults are the configuration's: {@code fulcrum agent} serves where a
 * pool's {@code health.agent} polls by default, and {@code fulcrum ctl}, {@code conns} and
 * {@code demo} reach the admin server where {@code admin:} binds by default.
 */
class CommandDefaultsTest {

    private static final String CONFIG = """
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                routes: [{name: all, pool: app}]
            pools:
              - name: app
                backends: [{name: b1, address: "10.0.0.1:80"}]
                health:
                  agent: {token: s3cret}
            admin: {}
            """;

    @Test
    void theAgentServesOnThePortPoolsPollByDefault() throws Exception {
        FulcrumConfig c = ConfigLoader.parse(CONFIG, "defaults.yaml");
        CommandLine agent = FulcrumCommand.commandLine().getSubcommands().get("agent");
        HostPort listen = HostPort.parse(agent.getCommandSpec().findOption("--listen").defaultValue(),
                HostPort.Use.LISTEN);
        assertThat(listen.port()).isEqualTo(c.pools().getFirst().health().agent().port());
    }

    @Test
    void theClientsReachTheAdminServerWhereItBindsByDefault() throws Exception {
        FulcrumConfig c = ConfigLoader.parse(CONFIG, "defaults.yaml");
        String url = "http://" + c.admin().bind() + "/";
        assertThat(CtlCommand.DEFAULT_SERVER).isEqualTo(url);
        assertThat(ConnsCommand.DEFAULT_SERVER).isEqualTo(url);
        CommandLine demo = FulcrumCommand.commandLine().getSubcommands().get("demo");
        assertThat(demo.getCommandSpec().findOption("--admin-port").defaultValue())
                .isEqualTo(String.valueOf(c.admin().bind().port()));
    }
}
