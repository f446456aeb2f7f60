package io.fulcrum.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.testing.TestNode;
import io.fulcrum.admin.testing.ThreeBackendNodeTest;
import io.fulcrum.core.backend.BackendState;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.fulcrum.admin.testing.AdminFixture.ADMIN_TOKEN;
import static io.fulcrum.admin.testing.AdminFixture.READ_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's backend actions beside drain, over real HTTP with real backends:
 * {@code fail} (its sticky sessions are purged at once, as for a failed health check),
 * a drain with a deadline ({@code until}: new sessions until then, none after, kept
 * across a restart), and {@code site}/{@code host} on a backend added through the API.
 */
class BackendActionsTest extends ThreeBackendNodeTest {

    @Test
    void failingABackendPurgesItsStickySessionsAndMovesItsClients() throws Exception {
        List<String> stuck = traffic("sticky/x", 3);
        String owner = stuck.getFirst();
        assertThat(Set.copyOf(stuck)).containsExactly(owner);
        assertThat(http.json("GET", api("sticky"), READ_TOKEN, null, 200).get("total").asInt()).isEqualTo(1);

        JsonNode b = http.json("POST", api("pools/app/backends/" + owner + "/fail"), ADMIN_TOKEN,
                "{\"reason\":\"host lost\"}", 200);
        assertThat(b.get("health").asText()).isEqualTo("down");
        assertThat(b.get("state").asText()).isEqualTo("down");
        assertThat(b.get("stickySessions").asInt()).isZero();
        assertThat(node.proxy().backend("app", owner).state()).isEqualTo(BackendState.DOWN);
        assertThat(node.events().latest(20)).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("admin.backend.fail");
            assertThat(e.subject()).isEqualTo("app/" + owner);
            assertThat(e.actor()).isEqualTo("ops");
            assertThat(e.reason()).contains("host lost");
        });
        // Its client moves at once (a drain would have kept it), and nothing new goes there.
        List<String> after = traffic("sticky/x", 3);
        assertThat(after).doesNotContain(owner);
        assertThat(Set.copyOf(traffic("any", 8))).doesNotContain(owner);

        // Kept in the state file like every change; enable ends it.
        assertThat(Files.readString(dir.resolve("fulcrum-state.json"))).contains("\"down\"");
        http.json("POST", api("pools/app/backends/" + owner + "/enable"), ADMIN_TOKEN, null, 200);
        assertThat(node.proxy().backend("app", owner).state()).isEqualTo(BackendState.UP);
        assertThat(Set.copyOf(traffic("any", 9))).contains(owner);
    }

    @Test
    void aDrainWithADeadlineTakesNewSessionsUntilThenAndNoneAfter() throws Exception {
        JsonNode b = http.json("POST", api("pools/app/backends/alpha/drain"), ADMIN_TOKEN, "{\"until\":\"8s\"}", 200);
        assertThat(b.get("health").asText()).isEqualTo("up");
        assertThat(node.events().latest(20)).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("admin.backend.drain");
            assertThat(e.details()).containsKey("until");
        });
        // Before the deadline: still picked for new sessions.
        assertThat(Set.copyOf(traffic("before", 6))).contains("alpha");
        assertThat(node.proxy().backend("app", "alpha").state()).isEqualTo(BackendState.UP);
        // At the deadline the drain begins by itself.
        await().atMost(Duration.ofSeconds(30)).until(() ->
                node.proxy().backend("app", "alpha").state() == BackendState.DRAINING);
        assertThat(Set.copyOf(traffic("after", 9))).doesNotContain("alpha");
        // And stays after a restart (the deadline is in the state file).
        node.close();
        node = TestNode.start(file);
        assertThat(node.proxy().backend("app", "alpha").state()).isEqualTo(BackendState.DRAINING);

        assertThat(http.send("POST", api("pools/app/backends/beta/drain"), ADMIN_TOKEN, "{\"until\":\"soon\"}")
                .statusCode()).isEqualTo(400);
        assertThat(node.proxy().backend("app", "beta").state()).isEqualTo(BackendState.UP);
    }

    @Test
    void aDeadlineStillAheadAtARestartIsKept() throws Exception {
        http.json("POST", api("pools/app/backends/gamma/drain"), ADMIN_TOKEN, "{\"until\":\"6s\"}", 200);
        node.close();
        node = TestNode.start(file);
        assertThat(node.proxy().backend("app", "gamma").state()).isEqualTo(BackendState.UP);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                node.proxy().backend("app", "gamma").state() == BackendState.DRAINING);
    }

    @Test
    void aBackendAddedThroughTheApiKeepsItsSiteAndHost() throws Exception {
        try (NamedBackend delta = NamedBackend.start("delta")) {
            JsonNode added = http.json("POST", api("pools/app/backends"), ADMIN_TOKEN,
                    "{\"name\":\"delta\",\"address\":\"" + delta.address() + "\",\"site\":\"east\",\"host\":\"rack4-7\"}", 201);
            assertThat(added.get("site").asText()).isEqualTo("east");
            assertThat(added.get("host").asText()).isEqualTo("rack4-7");
            assertThat(node.proxy().backend("app", "delta").site()).isEqualTo("east");
            assertThat(node.proxy().backend("app", "delta").hostName()).isEqualTo("rack4-7");
            node.close();
            node = TestNode.start(file);
            assertThat(node.proxy().backend("app", "delta").site()).isEqualTo("east");
            assertThat(http.send("POST", api("pools/app/backends"), ADMIN_TOKEN,
                    "{\"name\":\"eps\",\"address\":\"" + delta.address() + "\",\"site\":7}").statusCode()).isEqualTo(400);
        }
    }
}
