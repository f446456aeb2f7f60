package io.fulcrum.control.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin section: defaults, and errors that name the field and line without showing a secret. */
class AdminConfigValidationTest {

    private static final String BASE = """
            listeners:
              - name: web
                bind: 127.0.0.1:18081
                routes:
                  - name: all
                    pool: app
            pools:
              - name: app
                backends:
                  - address: 127.0.0.1:1001
            """;

    @Test
    void absentMeansNoAdminServerAndPresentMeansLoopbackByDefault() throws Exception {
        assertThat(ConfigLoader.parse(BASE, "t").admin().enabled()).isFalse();
        var admin = ConfigLoader.parse(BASE + """
                admin:
                  tokens:
                    - name: ops
                      role: admin
                      token: abcdefghijklmnopqrstu
                """, "t").admin();
        assertThat(admin.enabled()).isTrue();
        assertThat(admin.bind()).hasToString("127.0.0.1:9900");
        assertThat(admin.stateFile()).isEqualTo("fulcrum-state.json");
        assertThat(admin.tokens().getFirst().role()).isEqualTo("admin");
    }

    @Test
    void badTokensAndAddressesAreRefusedWithTheirLine() {
        String yaml = BASE + """
                admin:
                  bind: 127.0.0.1:99999
                  tokens:
                    - name: ops
                      role: root
                      token: super-secret-value-123
                    - role: read
                      token: another-secret-value-1
                      tokenEnv: SOME_VARIABLE
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t")).isInstanceOfSatisfying(ConfigException.class, e -> {
            List<String> paths = e.errors().stream().map(ConfigError::path).toList();
            assertThat(paths).contains("admin.bind", "admin.tokens[0].role", "admin.tokens[1].name", "admin.tokens[1].token");
            assertThat(e.errors()).filteredOn(x -> x.path().equals("admin.tokens[0].role"))
                    .singleElement().satisfies(x -> assertThat(x.line()).isEqualTo(15));
            assertThat(e.getMessage()).doesNotContain("super-secret-value-123").doesNotContain("another-secret-value-1");
        });
    }

    @Test
    void shortSecretsAndOpenBindsWithoutTlsAreWarned() throws Exception {
        LoadedConfig loaded = ConfigLoader.parseWithWarnings(BASE + """
                admin:
                  bind: 0.0.0.0:9900
                  tokens:
                    - name: ops
                      token: short
                """, "t");
        assertThat(loaded.warnings()).extracting(ConfigError::path).contains("admin.bind", "admin.tokens[0].token");
        assertThat(loaded.warnings().toString()).doesNotContain("short\"");
    }
    @Test
    void oneSecretForTwoTokensIsRefusedWhereverTheSecretsComeFrom(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("t"), "shared-secret-0123456789\n");
        String yaml = BASE + """
                admin:
                  tokens:
                    - {name: ops, role: admin, token: shared-secret-0123456789}
                    - {name: viewer, role: read, tokenFile: %s}
                """.formatted(file);
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t")).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).singleElement().satisfies(x -> {
                assertThat(x.path()).isEqualTo("admin.tokens[1].tokenFile");
                assertThat(x.message()).contains("same secret as the token at admin.tokens[0] (ops)");
            });
            assertThat(e.getMessage()).doesNotContain("shared-secret");
        });
    }

    @Test
    void theConnectionCapAndTheHeadTimeoutHaveDefaultsAndBounds() throws Exception {
        String tokens = """
                  tokens:
                    - {name: ops, role: admin, token: abcdefghijklmnopqrstu}
                """;
        var admin = ConfigLoader.parse(BASE + "admin:\n" + tokens, "t").admin();
        assertThat(admin.maxConnections()).isEqualTo(64);
        assertThat(admin.headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(ConfigLoader.parse(BASE + "admin:\n  maxConnections: 5\n  headerTimeout: 2s\n" + tokens, "t")
                .admin().headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThatThrownBy(() -> ConfigLoader.parse(BASE + "admin:\n  maxConnections: 0\n  headerTimeout: 0s\n" + tokens, "t"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors().stream().map(ConfigError::path))
                        .containsExactlyInAnyOrder("admin.maxConnections", "admin.headerTimeout"));
    }
}
