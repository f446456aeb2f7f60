package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.FulcrumCommand;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-member scale-in protection, set over HTTP and through {@code fulcrum ctl scale protect}, and the
 * operator's settings surviving a restart of the node: members from the {@code exec} provisioner (real
 * {@code http.server} processes that outlive the node, as a cloud's instances do), a node closed and
 * started again on the same file, which takes its members back and finds them still protected and the
 * pool still paused at the size the operator set.
 */
class ScaleProtectionRestartTest {

    private static final String ADMIN = "scale-protect-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void protectedMembersAreNotScaledInAndTheOperatorsSettingsOutliveARestart() throws Exception {
        Path state = Files.createDirectories(dir.resolve("platform"));
        Path script = dir.resolve("provision.py");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/scale/provision.py"))) {
            Files.copy(in, script);
        }
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            ports.append(FreePorts.tcp("127.0.0.1")).append('\n');
        }
        Files.writeString(state.resolve("ports.txt"), ports);
        Path file = Files.writeString(dir.resolve("node.yaml"), ConfigYaml.quietNode()
                + ConfigYaml.webListener(FreePorts.tcp(), "web") + """
                pools:
                  - name: web
                    autoscale:
                      provisioner:
                        exec:
                          command: [python3, "%s", "%s"]
                      target: 1000
                      min: 1
                      max: 3
                      step: 3
                      interval: 200ms
                      cooldown: 0s
                      stabilization: {up: 0s, down: 0s}
                      drainTimeout: 2s
                      heal: {enabled: false}
                """.formatted(script, state) + ConfigYaml.admin(new ConfigYaml.Token("ops", "admin", ADMIN)));
        List<String> names;
        try {
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(file), file)) {
                node.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> pool(node).path("current").asInt() == 1);
                ctl(node, "scale", "set", "web", "3");
                await().atMost(Duration.ofSeconds(60)).until(() -> pool(node).path("current").asInt() == 3);
                names = new ArrayList<>();
                pool(node).path("members").forEach(m -> names.add(m.path("name").asText()));

                // One protected over HTTP, one through ctl; a member it did not start is refused.
                HttpResponse<String> r = call(node, "api/v1/scale/web/members/" + names.get(1) + "/protect");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                ctl(node, "scale", "protect", "web", names.get(2));
                assertThat(pool(node).path("protected").toString()).contains(names.get(1)).contains(names.get(2));
                assertThat(call(node, "api/v1/scale/web/members/nobody/protect").statusCode()).isEqualTo(404);

                // set 1: only the unprotected member is drained; the two protected stay.
                ctl(node, "scale", "set", "web", "1");
                await().atMost(Duration.ofSeconds(30)).until(() -> memberNames(node)
                        .equals(Set.copyOf(names.subList(1, 3))));
                // Still above the size set: the next scale-in finds only protected members and says so.
                await().atMost(Duration.ofSeconds(30)).until(() -> node.events().latest(200).stream().anyMatch(e ->
                        e.kind().equals("scale.in.skipped") && e.reason().contains("nor the protected")));
                assertThat(ctl(node, "scale", "status")).contains("PROTECTED");
                // The drained member is stopped (its process ends) before the node closes.
                await().atMost(Duration.ofSeconds(30)).until(() -> node.events().latest(200).stream().anyMatch(e ->
                        e.kind().equals("scale.member.stopped")));
                ctl(node, "scale", "pause", "web");
            }
            assertThat(dir.resolve("fulcrum-state.autoscale.json")).exists();

            // The node again, on the same file: its members are taken back, still protected, still paused at 1.
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(file), file)) {
                node.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> memberNames(node)
                        .equals(Set.copyOf(names.subList(1, 3))));
                JsonNode web = pool(node);
                assertThat(web.path("paused").asBoolean()).isTrue();
                assertThat(web.path("operatorSize").asInt()).isEqualTo(1);
                web.path("members").forEach(m -> assertThat(m.path("protected").asBoolean()).isTrue());

                // Lifting one protection and resuming: the idle pool goes to min, keeping the protected one.
                ctl(node, "scale", "unprotect", "web", names.get(1));
                ctl(node, "scale", "resume", "web");
                await().atMost(Duration.ofSeconds(30)).until(() -> memberNames(node).equals(Set.of(names.get(2))));
            }
        } finally {
            Path log = state.resolve("starts.log");
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    ProcessHandle.of(Long.parseLong(line.split(" ")[2])).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /** The pool's members by name (their order is the order they came in, which parallel starts do not fix). */
    private Set<String> memberNames(FulcrumNode node) throws Exception {
        Set<String> out = new HashSet<>();
        pool(node).path("members").forEach(m -> out.add(m.path("name").asText()));
        return out;
    }

    private HttpResponse<String> call(FulcrumNode node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.service(AdminService.class).url()).resolve(path))
                .header("Authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode pool(FulcrumNode node) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.service(AdminService.class).url())
                        .resolve("api/v1/scale")).header("Authorization", "Bearer " + ADMIN)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("pools").path("web");
    }

    private static String ctl(FulcrumNode node, String... args) {
        CommandLine cmd = FulcrumCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("ctl", "--server", node.service(AdminService.class).url(), "--token",
                ADMIN));
        all.addAll(List.of(args));
        assertThat(cmd.execute(all.toArray(String[]::new))).as("ctl %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }
}
