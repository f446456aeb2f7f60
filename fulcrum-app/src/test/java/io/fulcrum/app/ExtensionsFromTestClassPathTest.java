package io.fulcrum.app;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.app.testext.FlagFileCheck;
import io.fulcrum.app.testext.PinByHeaderAlgorithm;
import io.fulcrum.control.config.ConfigError;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.balance.BalancerRegistry;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.health.CheckType;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A balancing algorithm ({@link PinByHeaderAlgorithm}) and a check type
 * ({@link FlagFileCheck}) that live in this test source set, outside Fulcrum's packages,
 * registered only by its {@code META-INF/services} files, are used from YAML by a real
 * node: requests through the proxy reach the backends the algorithm picks, and the check
 * takes a backend down and up as its flag files say.
 */
class ExtensionsFromTestClassPathTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theRegistriesFindTheTestExtensions() {
        assertThat(BalancerRegistry.names()).contains("pin-by-header", "maglev");
        assertThat(CheckType.registry().names()).contains("flag-file", "http");
    }

    @Test
    void aNodeBalancesWithTheTestAlgorithmAndChecksWithTheTestCheck(@TempDir Path flags) throws Exception {
        int port = FreePorts.tcp();
        try (NamedBackend one = NamedBackend.start("one"); NamedBackend two = NamedBackend.start("two");
             NamedBackend three = NamedBackend.start("three")) {
            for (NamedBackend b : new NamedBackend[] {one, two, three}) {
                Files.createFile(flags.resolve(portOf(b)));
            }
            FulcrumConfig config = ConfigLoader.parse("""
                    listeners:
                      - name: front
                        bind: 127.0.0.1:%d
                        routes:
                          - name: all
                            pool: web
                    pools:
                      - name: web
                        algorithm:
                          pin-by-header:
                            header: X-Pick
                        health:
                          checks:
                            - type:
                                flag-file:
                                  directory: %s
                              interval: 100ms
                              timeout: 500ms
                              rise: 1
                              fall: 1
                        backends:
                          - {name: one, address: %s}
                          - {name: two, address: %s}
                          - {name: three, address: %s}
                    """.formatted(port, flags, one.address(), two.address(), three.address()), "node.yaml");

            try (FulcrumNode node = FulcrumNode.create(config, null)) {
                node.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> node.proxy().backend("web", "two").lastCheck() != null);

                // The algorithm: the backend the header names, else the first one.
                assertThat(get(port, "three")).isEqualTo("three");
                assertThat(get(port, "two")).isEqualTo("two");
                assertThat(get(port, null)).isEqualTo("one");
                for (int i = 0; i < 20; i++) {
                    assertThat(get(port, "two")).isEqualTo("two");
                }

                // The check: no flag, the backend goes down and the algorithm falls back to the first one.
                Files.delete(flags.resolve(portOf(two)));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> node.proxy().backend("web", "two").state() == BackendState.DOWN);
                assertThat(node.proxy().backend("web", "two").lastCheck().detail())
                        .isEqualTo("no flag for port " + portOf(two));
                assertThat(node.proxy().backend("web", "two").lastCheck().check())
                        .as("the type's name comes from its registration").isEqualTo("flag-file");
                assertThat(get(port, "two")).isEqualTo("one");

                // The flag back: the backend comes up and takes its requests again.
                Files.createFile(flags.resolve(portOf(two)));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> node.proxy().backend("web", "two").state() == BackendState.UP);
                assertThat(get(port, "two")).isEqualTo("two");
            }
        }
    }

    @Test
    void theTestExtensionsSettingsAreValidatedAtTheirNestedPathAndLine() {
        String yaml = """
                listeners:
                  - name: front
                    bind: 127.0.0.1:8080
                    routes:
                      - name: all
                        pool: web
                pools:
                  - name: web
                    algorithm:
                      pin-by-header:
                        header: ""
                    health:
                      checks:
                        - type:
                            flag-file:
                              directry: /tmp
                    backends:
                      - address: 127.0.0.1:9000
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "ext.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path, ConfigError::line)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("pools[0].algorithm.pin-by-header.header", 11),
                                // The required setting is missing too: reported at its extension's line.
                                org.assertj.core.groups.Tuple.tuple(
                                        "pools[0].health.checks[0].type.flag-file.directory", 15),
                                org.assertj.core.groups.Tuple.tuple(
                                        "pools[0].health.checks[0].type.flag-file.directry", 16)));
    }

    private static String portOf(NamedBackend b) {
        return b.address().substring(b.address().lastIndexOf(':') + 1);
    }

    private String get(int port, String pick) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5));
        if (pick != null) {
            r.header("X-Pick", pick);
        }
        HttpResponse<String> response = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
