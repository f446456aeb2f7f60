package io.fulcrum.core.backend;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The administrative state, the health verdict and the effective state; failure and drain notifications; weight origin. */
class BackendHealthStateTest {

    private static final class Recorder implements BackendListener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void backendChanged(Backend b) {
            calls.add("changed:" + b.state());
        }

        @Override
        public void backendFailed(Backend b) {
            calls.add("failed");
        }

        @Override
        public void backendDrained(Backend b) {
            calls.add("drained");
        }
    }

    @Test
    void aFailedCheckMakesItDownUntilItPassesAgainWhateverTheConfigurationSays() {
        Backend b = Backend.of("p", 0, "127.0.0.1", 80, 1);
        Recorder r = new Recorder();
        b.addListener(r);
        b.setHealthy(false, "http check: status 500");
        assertThat(b.state()).isEqualTo(BackendState.DOWN);
        assertThat(b.adminState()).isEqualTo(BackendState.UP);
        assertThat(b.healthReason()).isEqualTo("http check: status 500");
        assertThat(b.isSelectable(System.nanoTime())).isFalse();
        assertThat(r.calls).containsExactly("changed:DOWN", "failed");

        b.setState(BackendState.UP); // a reload re-applies the configured state: still down
        assertThat(b.state()).isEqualTo(BackendState.DOWN);
        b.setState(BackendState.BACKUP);
        b.setHealthy(true, "back");
        assertThat(b.state()).isEqualTo(BackendState.BACKUP);
    }

    @Test
    void disabledStaysDisabledAndDrainingFailsToDown() {
        Backend b = Backend.of("p", 0, "127.0.0.1", 80, 1);
        b.setState(BackendState.DISABLED);
        b.setHealthy(false, "x");
        assertThat(b.state()).isEqualTo(BackendState.DISABLED);
        b.setState(BackendState.DRAINING);
        assertThat(b.state()).isEqualTo(BackendState.DOWN);
    }

    @Test
    void drainedIsReportedOnce() {
        Backend b = Backend.of("p", 0, "127.0.0.1", 80, 1);
        Recorder r = new Recorder();
        b.setState(BackendState.DRAINING);
        b.addListener(r);
        b.markDrained();
        b.markDrained();
        assertThat(r.calls).containsExactly("drained");
        assertThat(b.isDrained()).isTrue();
    }

    @Test
    void theWeightRemembersItsOriginAndAReloadLeavesAnOwnedWeightAlone() {
        Backend b = Backend.of("p", 0, "127.0.0.1", 80, 4);
        assertThat(b.weightOrigin()).isEqualTo(WeightOrigin.CONFIGURED);
        b.setConfiguredWeight(6);
        assertThat(b.weight()).isEqualTo(6);
        b.setWeight(2, WeightOrigin.ADAPTIVE, "slower than the others");
        b.setConfiguredWeight(8);
        assertThat(b.configuredWeight()).isEqualTo(8);
        assertThat(b.weight()).as("the adaptive loop owns it").isEqualTo(2);
        assertThat(b.weightReason()).isEqualTo("slower than the others");
        b.setWeight(8, WeightOrigin.CONFIGURED, "configured weight");
        b.setConfiguredWeight(3);
        assertThat(b.weight()).isEqualTo(3);
    }
}
