package io.fulcrum.app;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.gslb.SiteStateService;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fulcrum handoff} asks a running node (with its GSLB service, as {@code fulcrum run} builds it) for its table. */
class HandoffCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsTheTableOfARunningNode() throws Exception {
        int web = FreePorts.tcp();
        int udp = FreePorts.udp("127.0.0.1");
        Path secret = Files.writeString(dir.resolve("secret-a-b"), "a-shared-secret-of-some-length\n");
        String yaml = ConfigYaml.webListener(web, "app") + """
                pools:
                  - name: app
                    backends:
                      - address: 127.0.0.1:9
                sites:
                  - name: a
                    vips:
                      - address: 127.0.0.1:%d
                        listener: web
                  - name: b
                    vips:
                      - address: 127.0.0.2:%d
                        check: {type: tcp}
                gslb:
                  site: a
                  bind: 127.0.0.1:%d
                  peers:
                    - site: b
                      address: 127.0.0.2:%d
                      secretFile: %s
                """.formatted(web, web, udp, udp, secret);
        Path file = Files.writeString(dir.resolve("a.yaml"), yaml);
        FulcrumConfig config = ConfigLoader.load(file);
        try (FulcrumNode node = FulcrumNode.create(config, file)) {
            node.start();
            assertThat(node.service(SiteStateService.class)).isNotNull();
            InProcessCli cli = new InProcessCli();
            int code = cli.execute("handoff", "-c", file.toString());
            assertThat(code).as(cli.err()).isZero();
            assertThat(cli.out()).contains("hand-off table of site a").contains("SITE").contains("WEIGHT");
            assertThat(cli.err()).doesNotContain("a-shared-secret");
        }
    }

    @Test
    void aSectionWithoutPeersIsToldApartFromNoSection() throws Exception {
        int web = FreePorts.tcp();
        String yaml = ConfigYaml.webListener(web, "app") + """
                pools:
                  - name: app
                    backends:
                      - address: 127.0.0.1:9
                sites:
                  - name: a
                    vips:
                      - address: 127.0.0.1:%d
                        listener: web
                  - name: b
                    vips:
                      - address: 127.0.0.2:8080
                gslb:
                  site: a
                """.formatted(FreePorts.tcp());
        Path file = Files.writeString(dir.resolve("alone.yaml"), yaml);
        InProcessCli cli = new InProcessCli();
        assertThat(cli.execute("handoff", "-c", file.toString())).isEqualTo(2);
        assertThat(cli.err()).doesNotContain("no gslb section")
                .contains("the gslb section of site a has no peers")
                .contains("no key to sign the query with")
                .contains("fulcrum ctl handoff");
    }

    @Test
    void refusesAFileWithoutGslb() throws Exception {
        Path file = TestConfigs.write(dir, "plain.yaml", TestConfigs.good(8080));
        InProcessCli cli = new InProcessCli();
        assertThat(cli.execute("handoff", "-c", file.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("no gslb section");
    }
}
