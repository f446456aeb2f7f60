package io.fulcrum.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testsupport.FreePorts;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code examples/cluster/run.sh} as an operator runs it: it starts etcd and three nodes,
 * prints one line per node and the token; {@code fulcrum ctl cluster nodes --json} with
 * that admin URL and token lists the three nodes up and the leader; a request through a
 * printed proxy URL reaches the example backend; SIGTERM stops every process it started.
 */
class ClusterExampleScriptTest {

    private static final Pattern NODE_LINE = Pattern.compile("node (\\S+): proxy (http://\\S+) admin (http://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void startsThreeNodesPrintsTheirUrlsAndTokenAndStopsEverythingOnSigterm() throws Exception {
        Path fulcrum = fulcrumCommand();
        ProcessBuilder builder = new ProcessBuilder("bash", Path.of("..", "examples", "cluster", "run.sh").toString())
                .redirectError(dir.resolve("run.err").toFile());
        Map<String, String> env = builder.environment();
        env.put("FULCRUM", fulcrum.toString());
        env.put("PROXY_PORT", String.valueOf(FreePorts.tcp("127.0.10.1")));
        env.put("ADMIN_PORT", String.valueOf(FreePorts.tcp("127.0.10.1")));
        env.put("DNS_PORT", String.valueOf(FreePorts.tcpAndUdp("127.0.10.1")));
        env.put("ETCD_PORT", String.valueOf(FreePorts.tcp("127.0.10.1")));
        env.put("ETCD_PEER_PORT", String.valueOf(FreePorts.tcp("127.0.10.1")));
        env.put("BACKEND_PORT", String.valueOf(FreePorts.tcp()));
        env.put("LEASE_TTL", "3s");
        env.put("TMPDIR", dir.toString());
        Process script = builder.start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(script.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the script ended
                }
            });
            List<Matcher> nodes = new ArrayList<>();
            String token = null;
            while (token == null) {
                String line = lines.poll(240, TimeUnit.SECONDS);
                assertThat(line).as("run.sh output (stderr: %s)", stderr()).isNotNull();
                Matcher m = NODE_LINE.matcher(line);
                if (m.matches()) {
                    nodes.add(m);
                } else if (line.startsWith("token: ")) {
                    token = line.substring("token: ".length());
                }
            }
            assertThat(nodes).extracting(m -> m.group(1)).containsExactly("node1", "node2", "node3");
            assertThat(nodes.get(1).group(2)).startsWith("http://127.0.10.2:");
            started.addAll(script.descendants().toList());

            String admin = nodes.getFirst().group(3);
            String shownToken = token;
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                JsonNode view = JSON.readTree(ctl(fulcrum, admin, shownToken, "cluster", "nodes", "--json"));
                List<String> up = new ArrayList<>();
                view.path("nodes").forEach(n -> {
                    if (n.path("state").asText().equals("up")) {
                        up.add(n.path("id").asText());
                    }
                });
                return up.equals(List.of("node1", "node2", "node3")) && !view.path("leader").isNull();
            });
            // The token is valid on every node.
            for (Matcher m : nodes) {
                assertThat(JSON.readTree(ctl(fulcrum, m.group(3), token, "cluster", "leader", "--json"))
                        .path("leader").asText()).startsWith("node");
            }
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(nodes.get(2).group(2))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("hello from the example backend");
        } finally {
            script.destroy(); // SIGTERM, as a service manager stops it
            assertThat(script.waitFor(90, TimeUnit.SECONDS)).as("run.sh exits on SIGTERM").isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
            started.forEach(ProcessHandle::destroyForcibly); // only if the assertion above failed
        }
        assertThat(started).as("etcd, the backend and three nodes").hasSizeGreaterThanOrEqualTo(5);
    }

    /** Runs {@code fulcrum ctl ARGS} as an operator would, with FULCRUM_ADMIN and FULCRUM_TOKEN. */
    private String ctl(Path fulcrum, String admin, String token, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(fulcrum.toString(), "ctl"));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("FULCRUM_ADMIN", admin);
        b.environment().put("FULCRUM_TOKEN", token);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** A {@code fulcrum} command for the script: this build's classes on the test's class path. */
    private Path fulcrumCommand() throws IOException {
        Path args = dir.resolve("fulcrum.args");
        Files.writeString(args, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
        Path script = dir.resolve("fulcrum");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " --enable-native-access=ALL-UNNAMED @'" + args + "' io.fulcrum.app.FulcrumCommand \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("run.err"));
        } catch (IOException e) {
            return "";
        }
    }
}
