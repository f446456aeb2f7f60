package io.fulcrum.control.reload;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A reload of an unchanged file still applies when an error page it names was edited (the proxy reads it then). */
class ErrorPageFilesReloadTest {

    @TempDir
    Path dir;

    @Test
    void anEditedErrorPageIsAppliedAlthoughTheYamlIsUnchanged() throws Exception {
        Path page = Files.writeString(dir.resolve("503.html"), "<p>down</p>");
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    errorPages:
                      - status: 503
                        file: %s
                    routes:
                      - name: all
                        pool: app
                pools:
                  - name: app
                    backends:
                      - address: 127.0.0.1:8443
                """.formatted(page));
        List<FulcrumConfig> applied = new CopyOnWriteArrayList<>();
        ConfigReloader r = new ConfigReloader(file, ConfigLoader.load(file), ConfigReloaderTest.COMPILES, applied::add, null);
        assertThat(r.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);

        Files.writeString(page, "<p>maintenance until noon</p>");
        Files.setLastModifiedTime(page, FileTime.fromMillis(Files.getLastModifiedTime(page).toMillis() + 2000));
        assertThat(r.reload("SIGHUP").outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(applied).hasSize(1);
        assertThat(r.reload("again").outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
    }
}
