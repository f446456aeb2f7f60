package io.fulcrum.app;

import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.FreePorts;
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
import static org.awaitility.Awaitility.await;

/**
 * {@code fulcrum reload} against a real {@code fulcrum run --no-watch --pid-file} child
 * process: the signal makes the changed file take effect over HTTP, an invalid file is
 * refused while the old one keeps serving, and the pid file goes away on exit. Also the
 * command's own failures: no such process, no pid file.
 */
class ReloadCommandTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final InProcessCli cli = new InProcessCli();

    private static String get(HttpClient http, int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void sighupFromTheReloadCommandAppliesTheChangedFile() throws Exception {
        int port = FreePorts.tcp();
        Path pidFile = dir.resolve("fulcrum.pid");
        try (NamedBackend one = NamedBackend.start("one");
             NamedBackend two = NamedBackend.start("two");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ReloadTestConfigs.routingTo(port, one));
            try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString(), "--no-watch",
                    "--pid-file", pidFile.toString())) {
                await().atMost(LIMIT).until(() -> Files.exists(pidFile) || !p.isAlive());
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
                assertThat(Files.readString(pidFile).trim()).isNotEmpty();
                assertThat(get(http, port)).isEqualTo("200 one");

                // --no-watch: the changed file is not picked up by itself.
                Files.writeString(file, ReloadTestConfigs.routingTo(port, two));
                Thread.sleep(1000);
                assertThat(get(http, port)).isEqualTo("200 one");

                assertThat(cli.execute("reload", "--pid-file", pidFile.toString())).as(cli.err()).isZero();
                assertThat(cli.out()).contains("sent SIGHUP to " + Files.readString(pidFile).trim());
                await().atMost(LIMIT).until(() -> get(http, port).equals("200 two"));
                // Logged once every service beside the proxy has taken the file too.
                await().atMost(LIMIT).untilAsserted(() ->
                        assertThat(p.stderr()).contains("pools[app].backends added [two], pools[app].backends removed [one]"));

                // An invalid file is refused; the running configuration keeps serving.
                Files.writeString(file, ReloadTestConfigs.invalid(port, one));
                assertThat(cli.execute("reload", "--pid-file", pidFile.toString())).isZero();
                await().atMost(LIMIT).until(() -> p.stderr().contains("reload refused:"));
                assertThat(p.stderr()).contains("pools[0].backends[0].weight");
                assertThat(get(http, port)).isEqualTo("200 two");
                assertThat(p.isAlive()).isTrue();

                p.terminate();
                assertThat(p.waitFor(LIMIT)).as(p.stderr()).isZero();
                assertThat(pidFile).doesNotExist();
            }
        }
    }

    /**
     * Under {@code nohup} a process starts with SIGHUP ignored, and the JVM keeps an
     * inherited ignore unless told otherwise: SIGHUP then reloaded nothing. Here the child
     * starts with SIGHUP ignored as {@code nohup} leaves it, and the signal still reloads.
     */
    @Test
    void sighupReloadsInAProcessStartedWithSighupIgnoredAsUnderNohup() throws Exception {
        int port = FreePorts.tcp();
        Path pidFile = dir.resolve("fulcrum.pid");
        try (NamedBackend one = NamedBackend.start("one");
             NamedBackend two = NamedBackend.start("two");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ReloadTestConfigs.routingTo(port, one));
            try (FulcrumProcess p = FulcrumProcess.startWithSighupIgnored(dir, "run", "-c", file.toString(), "--no-watch",
                    "--pid-file", pidFile.toString())) {
                await().atMost(LIMIT).until(() -> Files.exists(pidFile) || !p.isAlive());
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
                assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(p.pid()));
                assertThat(get(http, port)).isEqualTo("200 one");

                Files.writeString(file, ReloadTestConfigs.routingTo(port, two));
                assertThat(cli.execute("reload", "--pid-file", pidFile.toString())).as(cli.err()).isZero();
                await().atMost(LIMIT).until(() -> get(http, port).equals("200 two"));
                assertThat(p.isAlive()).isTrue();
                assertThat(p.stderr()).contains("SIGHUP was ignored when the process started");

                p.terminate();
                assertThat(p.waitFor(LIMIT)).as(p.stderr()).isZero();
            }
        }
    }

    @Test
    void aProcessThatDoesNotExistIsAClearErrorExitingOne() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path pidFile = Files.writeString(dir.resolve("stale.pid"), gone.pid() + "\n");

        assertThat(cli.execute("reload", "--pid-file", pidFile.toString())).isEqualTo(1);
        assertThat(cli.err()).contains("fulcrum reload: no running process with pid " + gone.pid())
                .contains("stale.pid");

        assertThat(cli.execute("reload", "--pid", Long.toString(gone.pid()))).isEqualTo(1);
    }

    @Test
    void aMissingOrGarbledPidFileIsAClearErrorExitingOne() throws Exception {
        assertThat(cli.execute("reload", "--pid-file", dir.resolve("none.pid").toString())).isEqualTo(1);
        assertThat(cli.err()).contains("does not exist");

        Path garbled = Files.writeString(dir.resolve("garbled.pid"), "fulcrum\n");
        assertThat(cli.execute("reload", "--pid-file", garbled.toString())).isEqualTo(1);
        assertThat(cli.err()).contains("does not hold a process id");
    }

    @Test
    void exactlyOneTargetIsRequired() {
        assertThat(cli.execute("reload")).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.execute("reload", "--pid", "1", "--pid-file", "x")).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.execute("reload", "--help")).isZero();
        assertThat(cli.out()).contains("Usage: fulcrum reload").contains("SIGHUP");
    }
}
