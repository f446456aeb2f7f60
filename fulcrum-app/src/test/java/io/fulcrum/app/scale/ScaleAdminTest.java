package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.FulcrumCommand;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.event.Event;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The autoscaler through the operator's surface of a real node: {@code /api/v1/scale} and its
 * changes over HTTP, {@code fulcrum ctl scale}, and the size gauges on {@code /metrics}.
 */
class ScaleAdminTest {

    private static final String ADMIN = "scale-admin-token-0123456789";
    private static final String READER = "scale-read-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** Pool web, every member from the in-process provisioner; a target its idle pool never reaches. */
    private static String config() {
        return ConfigYaml.quietNode() + ConfigYaml.webListener(FreePorts.tcp(), "web") + """
                pools:
                  - name: web
                    autoscale:
                      provisioner: in-process
                      target: 1000
                      min: 1
                      max: 3
                      step: 3
                      interval: 200ms
                      cooldown: 0s
                      stabilization: {up: 0s, down: 0s}
                      drainTimeout: 2s
                """ + ConfigYaml.admin(new ConfigYaml.Token("ops", "admin", ADMIN),
                new ConfigYaml.Token("viewer", "read", READER));
    }

    private HttpResponse<String> call(FulcrumNode node, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.service(AdminService.class).url()).resolve(path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode pool(FulcrumNode node) throws Exception {
        HttpResponse<String> r = call(node, "GET", "api/v1/scale", READER, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("pools").path("web");
    }

    private static String ctl(FulcrumNode node, String... args) {
        CommandLine cmd = FulcrumCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 5];
        all[0] = "ctl";
        all[1] = "--server";
        all[2] = node.service(AdminService.class).url();
        all[3] = "--token";
        all[4] = ADMIN;
        System.arraycopy(args, 0, all, 5, args.length);
        int code = cmd.execute(all);
        assertThat(code).as("ctl %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    @Test
    void anOperatorReadsPausesSetsAndResumesThePoolsSize() throws Exception {
        try (FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(config(), "scale.yaml"), null)) {
            node.start();
            // Below min with no backend of its own: the scaler starts one member and registers it.
            await().atMost(Duration.ofSeconds(10)).until(() -> pool(node).path("current").asInt() == 1);
            JsonNode web = pool(node);
            assertThat(web.path("members")).hasSize(1);
            assertThat(web.path("members").get(0).path("provisioned").asBoolean()).isTrue();
            assertThat(web.path("provisioner").asText()).isEqualTo("in-process");
            assertThat(node.config().pool("web").backends()).hasSize(1);

            // A read token may not change it; an unknown pool and a size outside min..max are refused.
            assertThat(call(node, "POST", "api/v1/scale/web/pause", READER, null).statusCode()).isEqualTo(403);
            assertThat(call(node, "POST", "api/v1/scale/nope/pause", ADMIN, null).statusCode()).isEqualTo(404);
            HttpResponse<String> tooBig = call(node, "POST", "api/v1/scale/web/set", ADMIN, "{\"size\": 9}");
            assertThat(tooBig.statusCode()).isEqualTo(422);
            assertThat(tooBig.body()).contains("max 3");
            assertThat(call(node, "POST", "api/v1/scale/web/set", ADMIN, "{\"size\": \"x\"}").statusCode())
                    .isEqualTo(400);

            // set 3: brought to 3 members and held there, though the load asks for fewer.
            HttpResponse<String> set = call(node, "POST", "api/v1/scale/web/set", ADMIN, "{\"size\": 3}");
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            assertThat(JSON.readTree(set.body()).path("operatorSize").asInt()).isEqualTo(3);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool(node).path("current").asInt() == 3);
            String metrics = http.send(HttpRequest.newBuilder(URI.create(node.service(AdminService.class).url())
                    .resolve("metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("fulcrum_pool_current_size{pool=\"web\"} 3.0")
                    .contains("fulcrum_pool_desired_size{pool=\"web\"} 3.0");
            assertThat(ctl(node, "scale", "status")).contains("web").contains("in-process").contains("provisioner");

            // pause through ctl: nothing changes while paused, whatever the load asks.
            assertThat(ctl(node, "scale", "pause", "web")).contains("true");
            assertThat(node.events().latest(50).stream().map(Event::kind)).contains("scale.paused");
            Event paused = node.events().latest(50).stream().filter(e -> e.kind().equals("scale.paused"))
                    .findFirst().orElseThrow();
            assertThat(paused.reason()).contains("ops");

            // resume: back to the policy, whose idle load asks for min; the extra members are drained away.
            ctl(node, "scale", "resume", "web");
            await().atMost(Duration.ofSeconds(20)).until(() -> pool(node).path("current").asInt() == 1
                    && pool(node).path("members").size() == 1);
            List<String> kinds = node.events().latest(200).stream().map(Event::kind).toList();
            assertThat(kinds).contains("scale.set", "scale.resumed", "scale.in.draining", "scale.in.drained",
                    "scale.member.stopped");
            // The drained members are stopped after they left the pool.
            await().atMost(Duration.ofSeconds(10)).until(() -> InProcessProvisionerFactory.RUNNING.size() == 1);

            // ctl set N.
            ctl(node, "scale", "set", "web", "2");
            await().atMost(Duration.ofSeconds(10)).until(() -> pool(node).path("current").asInt() == 2);
        }
    }
}
