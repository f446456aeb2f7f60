package io.fulcrum.app;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM flags {@code bin/fulcrum} starts each command with: the data plane's tuning (a fixed
 * 1 GB heap) for {@code run}, {@code demo} and {@code agent} only; a small, quick-starting JVM
 * with the class-data archive for every client command. The launcher runs on a copy of
 * {@code bin/} with a stand-in {@code java} that records its arguments.
 */
class LauncherFlagsTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path root;
    private Path calls;
    private Path archive;

    @BeforeEach
    void copyTheLauncherBesideAStandInJdk() throws Exception {
        Files.createDirectories(root.resolve("bin"));
        for (String f : List.of("fulcrum", "java-home.sh", "jvm-options.sh")) {
            Files.copy(REPOSITORY.resolve("bin").resolve(f), root.resolve("bin").resolve(f));
        }
        Path jar = Files.createDirectories(root.resolve("fulcrum-app/target")).resolve("fulcrum.jar");
        Files.writeString(jar, "not a jar: the stand-in java never opens it");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        archive = jar.resolveSibling("fulcrum-client.jsa");
        calls = root.resolve("java-calls.txt");
        Path jdkBin = Files.createDirectories(root.resolve("jdk/bin"));
        // Answers the launcher's version probe as a JDK 25; otherwise records its arguments, one call per line.
        String java = """
                #!/bin/bash
                if [[ $1 == -version ]]; then echo 'openjdk version "25.0.1" 2025-10-21' >&2; exit 0; fi
                printf '%%s\\n' "$*" >> %s
                """.formatted(calls);
        for (String tool : List.of("java", "javac")) {
            Path p = Files.writeString(jdkBin.resolve(tool), java);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(root.resolve("bin/fulcrum"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The flags of the JVM that runs the command: the last call (an earlier one may be the archive's training run). */
    private String launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/fulcrum").toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().put("JAVA_HOME", root.resolve("jdk").toString());
        b.environment().remove("FULCRUM_JAVA_OPTS");
        b.environment().remove("FULCRUM_CLIENT_JAVA_OPTS");
        b.environment().putAll(env);
        Process p = b.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        List<String> lines = Files.readAllLines(calls);
        return lines.getLast();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ctl backends", "validate -c fulcrum.yaml", "version", "handoff -c fulcrum.yaml",
            "conns", "reload --pid-file /run/fulcrum.pid", "--help", "run --help", "help run"})
    void clientCommandsGetASmallJvm(String args) throws Exception {
        String flags = launch(Map.of(), args.split(" "));
        assertThat(flags).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .doesNotContain("-Xms1g", "-Xmx1g", "-Xmn512m", "-XX:+UseParallelGC")
                .endsWith("-jar " + root.resolve("fulcrum-app/target/fulcrum.jar") + " " + args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run -c fulcrum.yaml", "demo --port 0", "agent --token-file token"})
    void theDataPlaneKeepsItsTuning(String args) throws Exception {
        String flags = launch(Map.of(), args.split(" "));
        assertThat(flags).contains("-XX:+UseParallelGC", "-Xms1g", "-Xmx1g", "-Xmn512m", "-XX:MaxTenuringThreshold=1")
                .doesNotContain("-XX:TieredStopAtLevel=1", "SharedArchiveFile");
    }

    private static final String DNS_ONLY = """
            dns:
              listen: [127.0.0.1:5353]
              zones:
                - name: example.test
                  records:
                    - {name: www, type: A, value: 192.0.2.10}
            """;

    /** The proxy's tuning, none of which a DNS-only node gets. */
    private static final String[] PROXY_TUNING = {"-XX:+UseParallelGC", "-Xms1g", "-Xmx1g", "-Xmn512m",
            "-XX:-UseAdaptiveSizePolicy", "-XX:MaxTenuringThreshold=1", "-XX:PerMethodTrapLimit=0",
            "-XX:PerBytecodeTrapLimit=0", "-XX:+UseCompactObjectHeaders"};

    @Test
    void aConfigurationThatServesOnlyDnsRunsOnTheJvmDefaults() throws Exception {
        Path config = Files.writeString(root.resolve("dns.yaml"), DNS_ONLY);
        for (String[] args : List.of(new String[] {"run", "-c", config.toString()},
                new String[] {"run", "--config=" + config}, new String[] {"run", "-c" + config},
                new String[] {"--config", config.toString(), "run"},
                // the shipped benchmark command: bin/fulcrum run -c bench/dns.yaml
                new String[] {"run", "-c", REPOSITORY.resolve("bench/dns.yaml").toString()})) {
            assertThat(launch(Map.of(), args)).as(String.join(" ", args))
                    .contains("-Dio.netty.leakDetection.level=disabled")
                    .doesNotContain(PROXY_TUNING).doesNotContain("-XX:TieredStopAtLevel=1", "SharedArchiveFile");
        }
        assertThat(launch(Map.of("FULCRUM_JAVA_OPTS", "-Xmx2g"), "run", "-c", config.toString()))
                .contains("-Xmx2g").doesNotContain("leakDetection");
    }

    @ParameterizedTest
    @ValueSource(strings = {"listeners: [{name: web, bind: 127.0.0.1:8080}]",
            "virtualServices: [{name: tcp, bind: 127.0.0.1:9000}]", "store: file"})
    void dnsBesideOtherTrafficOrAStoreKeepsTheProxyTuning(String otherSection) throws Exception {
        Path config = Files.writeString(root.resolve("mixed.yaml"), DNS_ONLY + otherSection + "\n");
        assertThat(launch(Map.of(), "run", "-c", config.toString())).contains(PROXY_TUNING);
        // agent is no DNS server, whatever file it is given
        Path dnsOnly = Files.writeString(root.resolve("dns.yaml"), DNS_ONLY);
        assertThat(launch(Map.of(), "agent", "-c", dnsOnly.toString())).contains(PROXY_TUNING);
    }

    @Test
    void fulcrumJavaOptsReplaceTheDataPlaneFlagsAndLeaveClientsAlone() throws Exception {
        Map<String, String> env = Map.of("FULCRUM_JAVA_OPTS", "-Xmx2g -XX:+UseZGC");
        assertThat(launch(env, "run", "-c", "fulcrum.yaml")).contains("-Xmx2g -XX:+UseZGC").doesNotContain("-Xms1g");
        assertThat(launch(env, "ctl", "backends")).contains("-XX:+UseSerialGC").doesNotContain("-Xmx2g");
        assertThat(launch(Map.of("FULCRUM_CLIENT_JAVA_OPTS", "-Xmx64m"), "version")).contains("-Xmx64m")
                .doesNotContain("-XX:+UseSerialGC");
    }

    @Test
    void aClientCommandMapsTheArchiveWhenItIsNewerThanTheJarAndTrainsOneOtherwise() throws Exception {
        String first = launch(Map.of(), "version");
        List<String> runs = Files.readAllLines(calls);
        // No archive yet: a training run (a ctl call) writes one, then the command runs.
        assertThat(runs).hasSize(2);
        assertThat(runs.getFirst()).contains("-XX:ArchiveClassesAtExit=" + archive + ".").contains(" ctl ");
        assertThat(first).doesNotContain("SharedArchiveFile"); // the stand-in wrote none

        Files.writeString(archive, "archive");
        Files.delete(calls);
        String second = launch(Map.of(), "version");
        assertThat(Files.readAllLines(calls)).hasSize(1); // up to date: no training
        assertThat(second).contains("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
    }

    @Test
    void theJdkVersionIsReadFromTheReleaseFileWithoutStartingTheJvm() throws Exception {
        // The stand-in now claims 17 when asked: only the release file says 25, so the launcher
        // uses this JDK only if it reads that file instead of running `java -version`.
        Path java = root.resolve("jdk/bin/java");
        Files.writeString(java, Files.readString(java).replace("25.0.1", "17.0.15"));
        Files.writeString(root.resolve("jdk/release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"25.0.3\"\n");
        String flags = launch(Map.of(), "version");
        assertThat(flags).endsWith("-jar " + root.resolve("fulcrum-app/target/fulcrum.jar") + " version");
    }
}
