package io.fulcrum.app;

import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Debian package as an operator gets it: built by {@code packaging/deb/build.sh} from the
 * jar {@code package} made, installed on this machine with {@code dpkg -i}, its commands run from
 * the installed paths, its unit checked by {@code systemd-analyze verify}, a node run as the
 * {@code fulcrum} user keeping its state under {@code /var/lib/fulcrum}, then removed and purged,
 * leaving nothing behind.
 *
 * <p>It installs into the real system, so it runs as root only, never over a {@code fulcrum}
 * package installed otherwise, and one run at a time (a lock file). It runs after
 * {@code package} (surefire's {@code package-tests} execution in fulcrum-app's pom).
 */
class DebianPackageIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path JAR = Path.of("target", "fulcrum.jar").toAbsolutePath();
    private static final String TOKEN = "package-test-token-0123456789";

    private static FileChannel lockFile;
    private static FileLock lock;
    private static boolean installedHere;

    @BeforeAll
    static void onlyWhereItCanInstall() throws Exception {
        assumeTrue(exec(List.of("id", "-u")).out().strip().equals("0"),
                "not root: the package test installs into the system (dpkg -i)");
        for (String tool : List.of("dpkg", "dpkg-deb", "systemd-analyze", "setpriv", "man")) {
            assumeTrue(onPath(tool), tool + " is not installed (CI_PACKAGES in .ci/run lists its package)");
        }
        assumeTrue(Files.isRegularFile(JAR), "no " + JAR + ": this test runs after `package`");
        lockFile = FileChannel.open(Path.of("/tmp/fulcrum-debian-package-test.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockFile.lock(); // another build's run of this test finishes first
        assumeTrue(!installed(), "a fulcrum package is already installed on this machine; the test would replace it");
    }

    @AfterAll
    static void purgeWhateverIsLeft() throws Exception {
        if (installedHere && installed()) {
            exec(List.of("dpkg", "--purge", "fulcrum"));
        }
        if (lock != null) {
            lock.release();
            lockFile.close();
        }
    }

    @Test
    void installsRunsAndRemovesCleanly() throws Exception {
        Path out = Path.of("target", "deb-test").toAbsolutePath();
        Result build = exec(List.of(REPOSITORY.resolve("packaging/deb/build.sh").toString(),
                "--jar", JAR.toString(), "--out", out.toString()));
        assertThat(build.exit()).as(build.err()).isZero();
        Path deb = Path.of(build.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(deb).exists().hasFileName("fulcrum_" + debianVersion() + "_" + exec(List.of("dpkg", "--print-architecture")).out().strip() + ".deb");

        installedHere = true;
        Result install = exec(List.of("dpkg", "-i", deb.toString()));
        assertThat(install.exit()).as(install.out() + install.err()).isZero();
        assertInstalledLayout();

        Result version = exec(List.of("/usr/bin/fulcrum", "version"));
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("fulcrum " + jarVersion()).contains("Java 25");
        // From PATH, as an operator types it, on the shipped configuration.
        Result validate = exec(List.of("fulcrum", "validate", "-c", "/etc/fulcrum/fulcrum.yaml"));
        assertThat(validate.exit()).as(validate.out() + validate.err()).isZero();
        assertThat(validate.out()).contains("/etc/fulcrum/fulcrum.yaml: OK");

        Result verify = exec(List.of("systemd-analyze", "verify", "/usr/lib/systemd/system/fulcrum.service"));
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out() + verify.err()).doesNotContain("fulcrum.service");

        assertClientCommandsMapTheArchive();
        assertTheServiceUserKeepsItsStateInVarLib();
        assertManAndCompletionFindTheInstalledFiles();

        Result remove = exec(List.of("dpkg", "-r", "fulcrum"));
        assertThat(remove.exit()).as(remove.out() + remove.err()).isZero();
        for (String gone : List.of("/usr/bin/fulcrum", "/usr/share/fulcrum", "/usr/lib/fulcrum",
                "/usr/lib/systemd/system/fulcrum.service", "/usr/share/man/man1/fulcrum.1.gz",
                "/usr/share/bash-completion/completions/fulcrum", "/usr/share/zsh/vendor-completions/_fulcrum")) {
            assertThat(Path.of(gone)).as(gone).doesNotExist();
        }
        // Removal keeps the configuration, the state and the user; a purge takes them.
        assertThat(Path.of("/etc/fulcrum/fulcrum.yaml")).exists();
        assertThat(Path.of("/var/lib/fulcrum/fulcrum-state.json")).exists();

        Result purge = exec(List.of("dpkg", "--purge", "fulcrum"));
        assertThat(purge.exit()).as(purge.out() + purge.err()).isZero();
        assertThat(Path.of("/etc/fulcrum")).doesNotExist();
        assertThat(Path.of("/var/lib/fulcrum")).doesNotExist();
        assertThat(exec(List.of("getent", "passwd", "fulcrum")).exit()).isNotZero();
        assertThat(exec(List.of("getent", "group", "fulcrum")).exit()).isNotZero();
        assertThat(installed()).isFalse();
    }

    private static void assertInstalledLayout() throws Exception {
        for (String file : List.of("/usr/bin/fulcrum", "/usr/share/fulcrum/fulcrum.jar", "/usr/share/fulcrum/jvm-options.sh",
                "/usr/lib/fulcrum/runtime/bin/java", "/usr/lib/fulcrum/fulcrum-client.jsa",
                "/usr/lib/systemd/system/fulcrum.service", "/etc/fulcrum/fulcrum.yaml",
                "/usr/share/man/man1/fulcrum.1.gz", "/usr/share/man/man1/fulcrum-run.1.gz", "/usr/share/man/man1/fulcrum-ctl.1.gz",
                "/usr/share/bash-completion/completions/fulcrum", "/usr/share/zsh/vendor-completions/_fulcrum")) {
            assertThat(Path.of(file)).as(file).exists();
        }
        assertThat(exec(List.of("dpkg-query", "--showformat=${Conffiles}", "-W", "fulcrum")).out()).contains("/etc/fulcrum/fulcrum.yaml");
        assertThat(exec(List.of("getent", "passwd", "fulcrum")).out()).contains(":/var/lib/fulcrum:/usr/sbin/nologin");
        assertThat(Files.getOwner(Path.of("/var/lib/fulcrum")).getName()).isEqualTo("fulcrum");
        Path token = Path.of("/etc/fulcrum/admin.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-r-----");
        assertThat(Files.readString(token).strip()).hasSizeGreaterThanOrEqualTo(32);
    }

    /** The launcher gives a client command the archive made at build time, and the JVM maps it (-Xshare:on fails otherwise). */
    private static void assertClientCommandsMapTheArchive() throws Exception {
        Result r = exec(List.of("/usr/bin/fulcrum", "version"), Map.of("FULCRUM_CLIENT_JAVA_OPTS",
                "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms16m -XX:-UsePerfData -Xshare:on -Xlog:class+load=info"));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("io.fulcrum.app.FulcrumCommand source: shared objects file (top)");
    }

    /** The data plane as the unit runs it: the fulcrum user, state in /var/lib/fulcrum, the configuration read-only. */
    private static void assertTheServiceUserKeepsItsStateInVarLib() throws Exception {
        Path dir = Files.createTempDirectory("fulcrum-package-test");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int adminPort = FreePorts.tcp();
        try (NamedBackend a = NamedBackend.start("a");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Path config = Files.writeString(dir.resolve("fulcrum.yaml"), """
                    server:
                      shutdownGrace: 200ms
                    accessLog:
                      enabled: false
                    listeners:
                      - name: web
                        bind: 127.0.0.1:%d
                        routes:
                          - name: all
                            pool: app
                    pools:
                      - name: app
                        backends:
                          - name: a
                            address: %s
                    admin:
                      bind: 127.0.0.1:%d
                      tokens:
                        - {name: ops, role: admin, token: %s}
                    """.formatted(FreePorts.tcp(), a.address(), adminPort, TOKEN));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
            Path log = dir.resolve("node.log");
            // setpriv execs (no child in between): the process is the JVM, as under systemd.
            Process node = new ProcessBuilder("setpriv", "--reuid=fulcrum", "--regid=fulcrum", "--init-groups", "--",
                    "/usr/bin/fulcrum", "run", "-c", config.toString(), "--state-dir", "/var/lib/fulcrum", "--no-watch")
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            try {
                HttpRequest drain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/v1/pools/app/backends/a/drain"))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build();
                AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(node.isAlive()).as(Files.readString(log)).isTrue();
                    answer.set(http.send(drain, HttpResponse.BodyHandlers.ofString()));
                });
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
            } finally {
                node.destroy(); // SIGTERM: the graceful stop
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
            assertThat(node.exitValue()).as(Files.readString(log)).isZero();
        }
        Path state = Path.of("/var/lib/fulcrum/fulcrum-state.json");
        assertThat(state).exists();
        assertThat(Files.getOwner(state).getName()).isEqualTo("fulcrum");
        assertThat(dir.resolve("fulcrum-state.json")).doesNotExist();
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static void assertManAndCompletionFindTheInstalledFiles() throws Exception {
        Result where = exec(List.of("man", "-w", "fulcrum-run"));
        assertThat(where.out().strip()).isEqualTo("/usr/share/man/man1/fulcrum-run.1.gz");
        Result page = exec(List.of("bash", "-c", "set -o pipefail; man -l /usr/share/man/man1/fulcrum.1.gz | col -b"),
                Map.of("MANWIDTH", "200"));
        assertThat(page.exit()).as(page.err()).isZero();
        assertThat(page.out()).contains("fulcrum-ctl(1)", "fulcrum-run(1)");
        Result complete = exec(List.of("bash", "--norc", "-c", """
                source /usr/share/bash-completion/completions/fulcrum
                COMP_WORDS=(fulcrum ct); COMP_CWORD=1; COMP_LINE="fulcrum ct"; COMP_POINT=10
                _complete_fulcrum
                echo "${COMPREPLY[@]}"
                """));
        assertThat(complete.out().strip()).isEqualTo("ctl");
    }

    /** The version the jar's manifest records (the test itself runs from classes, without one). */
    private static String jarVersion() throws Exception {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(JAR.toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    private static String debianVersion() throws Exception {
        return jarVersion().replace('-', '~');
    }

    private static boolean installed() throws Exception {
        return exec(List.of("dpkg-query", "--showformat=${Status}", "-W", "fulcrum")).out().contains("install ok installed");
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result exec(List<String> command) throws Exception {
        return exec(command, Map.of());
    }

    private static Result exec(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("fulcrum-package-test", ".out");
        Path err = Files.createTempFile("fulcrum-package-test", ".err");
        try {
            ProcessBuilder b = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            b.environment().putAll(env);
            b.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = b.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 180 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
