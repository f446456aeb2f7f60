package io.fulcrum.admin.state;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.StickinessConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's changes as one key each (how a fleet keeps them) and back. */
class StateKeysTest {

    @Test
    void everyKindOfChangeGoesToItsOwnKeyAndComesBack() {
        Instant until = Instant.parse("2030-01-01T00:00:00Z");
        StateData data = new StateData(
                Map.of("web/a", new StateData.BackendOverride("draining", null, until),
                        "web/b b", new StateData.BackendOverride(null, 7)),
                Map.of("web", List.of(new BackendConfig("c", io.fulcrum.core.config.HostPort.of("127.0.0.1", 9), 3, null, null, null, null, null))),
                List.of("web/d"),
                Map.of("public/all", new StickinessConfig(true, "cookie", "s", Duration.ofMinutes(5))),
                Map.of("web", Map.of("input", 2.0)));

        Map<String, String> keys = StateKeys.keys(data);

        assertThat(keys).containsOnlyKeys("backend/web/a", "backend/web/b+b", "added/web/c", "removed/web/d",
                "stickiness/public/all", "importance/web");
        List<String> problems = new ArrayList<>();
        assertThat(StateKeys.data(keys, problems)).isEqualTo(data);
        assertThat(problems).isEmpty();
    }

    @Test
    void aKeyThatCannotBeReadIsSkippedAndTheRestApplies() {
        List<String> problems = new ArrayList<>();
        StateData data = StateKeys.data(Map.of("backend/web/a", "{\"state\":\"down\"}", "backend/web/b", "not json",
                "backend/toofew", "{}", "mystery/x", "{}"), problems);
        assertThat(data.backends()).containsOnlyKeys("web/a");
        assertThat(problems).hasSize(3);
    }
}
