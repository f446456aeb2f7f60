package io.fulcrum.scale;

import io.fulcrum.core.provision.Provisioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The intent's steps (an entry put by key, replaced, removed) and its JSON both ways. */
class ScaleIntentTest {

    private static final Provisioner.Member WEB_7 = new Provisioner.Member("web-7", "127.0.0.1:8080", Map.of("vm", "v1"));
    private static final Provisioner.Member WEB_9 = new Provisioner.Member("web-9", "127.0.0.1:8081", Map.of());

    @Test
    void aStartingEntryBecomesTheMemberItStartedAndTheGenerationOnlyGrows() {
        ScaleIntent i = ScaleIntent.empty("web").aim(2)
                .with(new ScaleIntent.Entry(7, ScaleIntent.STARTING, null));
        assertThat(i.generation()).isEqualTo(7);
        assertThat(i.entry("#7").state()).isEqualTo(ScaleIntent.STARTING);

        ScaleIntent up = i.with(new ScaleIntent.Entry(7, ScaleIntent.UP, WEB_7), "#7").by("node2");
        assertThat(up.members()).containsExactly(new ScaleIntent.Entry(7, ScaleIntent.UP, WEB_7));
        assertThat(up.leader()).isEqualTo("node2");
        assertThat(up.target()).isEqualTo(2);

        ScaleIntent draining = up.with(new ScaleIntent.Entry(9, ScaleIntent.DRAINING, WEB_7));
        assertThat(draining.members()).hasSize(1);
        assertThat(draining.generation()).isEqualTo(9);
        ScaleIntent gone = draining.without(e -> e.key().equals("web-7"));
        assertThat(gone.members()).isEmpty();
        assertThat(gone.generation()).as("a generation is never reused").isEqualTo(9);
    }

    @Test
    void itsJsonReadsBackToTheSameIntent() {
        ScaleIntent i = ScaleIntent.empty("web").aim(3).by("node1")
                .with(new ScaleIntent.Entry(7, ScaleIntent.UP, WEB_7))
                .with(new ScaleIntent.Entry(8, ScaleIntent.STARTING, null))
                .with(new ScaleIntent.Entry(9, ScaleIntent.DRAINING, WEB_9, 1_765_000_000_123L));

        assertThat(ScaleIntent.fromJson(i.toJson().getBytes(StandardCharsets.UTF_8))).isEqualTo(i);
        assertThat(ScaleIntent.fromJson(i.toJson().getBytes(StandardCharsets.UTF_8)).entry("web-9").since())
                .as("when the drain began, for a new leader's drainTimeout").isEqualTo(1_765_000_000_123L);
        assertThat(i.entry("web-7").since()).as("not recorded").isZero();
        assertThat(i.toJson()).doesNotContain("\"since\":0");
        assertThatThrownBy(() -> ScaleIntent.fromJson("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScaleIntent.fromJson("{".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
