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

/** A reload of an unchanged file still applies when a certificate or CA file it names changed. */
class TlsFilesReloadTest {

    @TempDir
    Path dir;

    @Test
    void aRenewedCaFileIsAppliedAlthoughTheYamlIsUnchanged() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nold\n");
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    routes:
                      - name: all
                        pool: app
                pools:
                  - name: app
                    tls:
                      caFile: %s
                    backends:
                      - address: 127.0.0.1:8443
                """.formatted(ca));
        List<FulcrumConfig> applied = new CopyOnWriteArrayList<>();
        ConfigReloader r = new ConfigReloader(file, ConfigLoader.load(file), ConfigReloaderTest.COMPILES, applied::add, null);

        assertThat(r.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
        assertThat(applied).isEmpty();

        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nrenewed, longer\n");
        Files.setLastModifiedTime(ca, FileTime.fromMillis(Files.getLastModifiedTime(ca).toMillis() + 2000));
        assertThat(r.reload("SIGHUP").outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(applied).hasSize(1);

        assertThat(r.reload("again").outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
        assertThat(applied).hasSize(1);
    }

    @Test
    void aRenewedCaFileOfAnL4ListenersBackendTlsIsAppliedToo() throws Exception {
        Path ca = Files.writeString(dir.resolve("l4-ca.pem"), "-----BEGIN CERTIFICATE-----\nold\n");
        Path file = Files.writeString(dir.resolve("l4.yaml"), """
                pools:
                  - name: db
                    backends:
                      - address: 127.0.0.1:5432
                virtualServices:
                  - name: data
                    vips: [127.0.0.2]
                    listeners:
                      - port: 5432
                        pool: db
                        backendTls:
                          caFile: %s
                """.formatted(ca));
        List<FulcrumConfig> applied = new CopyOnWriteArrayList<>();
        ConfigReloader r = new ConfigReloader(file, ConfigLoader.load(file), ConfigReloaderTest.COMPILES, applied::add, null);
        assertThat(r.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);

        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nrenewed, longer\n");
        Files.setLastModifiedTime(ca, FileTime.fromMillis(Files.getLastModifiedTime(ca).toMillis() + 2000));
        assertThat(r.reload("SIGHUP").outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(applied).hasSize(1);
    }
}
