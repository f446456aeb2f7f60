package io.fulcrum.scale.provision;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.core.provision.Provisioner.Member;
import io.fulcrum.core.provision.Provisioner.Result;
import io.fulcrum.core.provision.ProvisionerFactory;
import io.fulcrum.testsupport.Closer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code systemd} provisioner. Its units need a running systemd: where there is none (a
 * container, most CI machines) the tests with real units are skipped, saying so, and the
 * configuration is refused; what does not need systemd is tested everywhere.
 */
class SystemdProvisionerTest {

    private static final String NO_SYSTEMD = "systemd is not running on this machine (no /run/systemd/system): "
            + "the systemd provisioner's tests with real units are skipped";

    @AutoClose
    final Closer closer = new Closer();

    @TempDir
    Path dir;

    @Test
    void theFactoryIsRegisteredAsSystemd() {
        assertThat(ProvisionerFactory.registry().find("systemd")).get().isInstanceOf(SystemdProvisionerFactory.class);
    }

    @Test
    void aMemberIsATransientServiceRestartedOnFailureWithItsValuesInItsEnvironment() {
        SystemdSettings s = new SystemdSettings(List.of("/opt/app/bin/app", "--listen", "{address}:{port}", "--id", "{name}"),
                null, null, "/srv/app", Map.of("APP_NAME", "{pool}"), List.of("MemoryMax=512M"), "app", true,
                Duration.ofSeconds(5), null);

        List<String> argv = SystemdProvisioner.runCommand(s, "fulcrum-web-7.service", "web", "web-7", 7, 20001);

        assertThat(argv).containsExactly("systemd-run", "--user", "--unit=fulcrum-web-7.service",
                "--description=Fulcrum member web-7 of pool web", "--collect", "--property=Restart=on-failure",
                "--property=RestartSec=1000ms", "--property=TimeoutStopSec=5000ms", "--property=KillMode=mixed",
                "--property=MemoryMax=512M", "--working-directory=/srv/app", "--uid=app",
                "--setenv=FULCRUM_MEMBER_NAME=web-7", "--setenv=FULCRUM_MEMBER_PORT=20001",
                "--setenv=FULCRUM_MEMBER_ADDRESS=127.0.0.1", "--setenv=FULCRUM_POOL=web", "--setenv=APP_NAME=web",
                "--", "/opt/app/bin/app", "--listen", "127.0.0.1:20001", "--id", "web-7");
    }

    @Test
    void unitNamesEscapeWhatSystemdDoesNotAllow() {
        assertThat(SystemdProvisioner.unitName("web-7")).isEqualTo("fulcrum-web-7.service");
        assertThat(SystemdProvisioner.unitName("api/v2@x-1")).isEqualTo("fulcrum-api\\x2fv2\\x40x-1.service");
    }

    @Test
    void settingsAreCheckedFieldByField() {
        SystemdSettings s = new SystemdSettings(List.of("app", "{prot}"), "0.0.0.0", "1-2-3", "srv", null,
                List.of("MemoryMax"), null, null, Duration.ZERO, null);

        assertThat(new SystemdProvisionerFactory().validate(s)).filteredOn(e -> !e.field().isEmpty())
                .extracting(InvalidFieldException::getMessage).containsExactlyInAnyOrder(
                        "command[0]: systemd runs a program by its absolute path (got 'app')",
                        "command[1]: unknown placeholder {prot}; known: {port}, {name}, {address}, {pool}, {generation}",
                        "properties[0]: expected Name=value, like MemoryMax=512M (got 'MemoryMax')",
                        "address: members are reached at this address, so it cannot be the wildcard 0.0.0.0; give one "
                                + "address of this machine, like 127.0.0.1",
                        "ports: expected a range of ports LOW-HIGH, like 20000-29999 (got '1-2-3')",
                        "workingDirectory: an absolute path is required (got 'srv')",
                        "stopGrace: must be longer than 0 (got PT0S)");
    }

    @Test
    void whereSystemdDoesNotRunTheConfigurationIsRefusedSayingSo() {
        assumeFalse(SystemdProvisioner.systemdRuns(), "systemd runs here: the refusal cannot be seen");
        SystemdSettings s = new SystemdSettings(List.of("/bin/true"), null, null, null, null, null, null, null, null, null);

        assertThat(new SystemdProvisionerFactory().validate(s)).extracting(InvalidFieldException::getMessage)
                .containsExactly("systemd is not running on this machine (no /run/systemd/system): use the process "
                        + "or exec provisioner");
    }

    @Test
    void aRealUnitServesHttpIsListedOnceForItsGenerationAndStops() throws Exception {
        assumeTrue(SystemdProvisioner.systemdRuns(), NO_SYSTEMD);
        boolean root = "root".equals(System.getProperty("user.name"));
        Files.writeString(dir.resolve("hello.txt"), "from a unit");
        SystemdSettings s = new SystemdSettings(List.of(python(), "-m", "http.server", "{port}", "--bind", "{address}"),
                null, null, dir.toString(), null, null, null, !root, Duration.ofSeconds(5), null);
        SystemdProvisionerFactory f = new SystemdProvisionerFactory();
        assertThat(f.validate(s)).isEmpty();
        Provisioner p = closer.add(f.create(s));
        String pool = "t" + ProcessHandle.current().pid();

        Result r = p.start(pool, 1, deadline());
        assertThat(r.ok()).as(r.detail()).isTrue();
        Member m = r.member();
        closer.add(() -> p.stop(m, 99, deadline()));

        assertThat(get(m)).isEqualTo("from a unit");
        assertThat(p.start(pool, 1, deadline()).member()).isEqualTo(m);
        assertThat(p.list(pool, deadline()).members()).containsExactly(m);

        Result stopped = p.stop(m, 2, deadline());
        assertThat(stopped.ok()).as(stopped.detail()).isTrue();
        assertThat(accepts(m)).isFalse();
        assertThat(p.list(pool, deadline()).members()).isEmpty();
    }

    private static String python() {
        return Arrays.stream(System.getenv("PATH").split(File.pathSeparator)).map(d -> Path.of(d, "python3"))
                .filter(Files::isExecutable).map(p -> p.toAbsolutePath().toString()).findFirst().orElse("/usr/bin/python3");
    }

    private static Instant deadline() {
        return Instant.now().plusSeconds(30);
    }

    private static String get(Member m) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + m.address() + "/hello.txt"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        }
    }

    private static boolean accepts(Member m) {
        int colon = m.address().lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(m.address().substring(0, colon),
                    Integer.parseInt(m.address().substring(colon + 1))), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
