package io.fulcrum.admin.testing;

import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the configuration the admin tests run: one listener, a sticky route, one pool of three backends. */
public final class AdminFixture {

    public static final String ADMIN_TOKEN = "admin-secret-0123456789";
    public static final String READ_TOKEN = "read-secret-0123456789";

    private AdminFixture() {
    }

    public static Path write(Path dir, List<NamedBackend> backends) throws IOException {
        return write(dir, backends, "");
    }

    /**
     * The same, with more fields of the admin section.
     *
     * @param adminFields YAML lines indented by two spaces, like {@code "  maxConnections: 3\n"}
     */
    public static Path write(Path dir, List<NamedBackend> backends, String adminFields) throws IOException {
        StringBuilder y = new StringBuilder(ConfigYaml.quietNode()).append("""
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - name: sticky
                        match:
                          pathPrefix: /sticky
                        pool: app
                        stickiness:
                          enabled: true
                          mode: source
                      - name: default
                        pool: app
                pools:
                  - name: app
                    algorithm: round-robin
                    backends:
                """.formatted(FreePorts.tcp()));
        for (NamedBackend b : backends) {
            y.append("      - name: ").append(b.name()).append("\n        address: ").append(b.address()).append('\n');
        }
        y.append(ConfigYaml.admin(adminFields, new ConfigYaml.Token("ops", "admin", ADMIN_TOKEN),
                new ConfigYaml.Token("viewer", "read", READ_TOKEN)));
        Path file = dir.resolve("fulcrum.yaml");
        Files.writeString(file, y);
        return file;
    }
}
