package io.fulcrum.core.backend;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The selection rules the balancers rely on. */
class BackendTest {

    private static final long NOW = 1_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final Backend b = new Backend("pool", "web-1", "10.0.0.1", 8080, 0, 2);

    @Test
    void upWithWeightAndCapacityIsSelectable() {
        assertThat(b.isSelectable(NOW)).isTrue();
        assertThat(b.isSelectableBackup(NOW)).isFalse();
    }

    @Test
    void nonUpStatesAndZeroWeightAreNotSelectable() {
        for (BackendState s : new BackendState[] {BackendState.DOWN, BackendState.DRAINING, BackendState.DISABLED,
                BackendState.BACKUP}) {
            b.setState(s);
            assertThat(b.isSelectable(NOW)).as(s.name()).isFalse();
        }
        b.setState(BackendState.BACKUP);
        assertThat(b.isSelectableBackup(NOW)).isTrue();
        b.setState(BackendState.UP);
        b.setWeight(0);
        assertThat(b.isSelectable(NOW)).isFalse();
    }

    @Test
    void drainingKeepsStickySessionsButTakesNoNewOnes() {
        b.setState(BackendState.DRAINING);
        assertThat(b.acceptsStickySession(NOW)).isTrue();
        b.setState(BackendState.DOWN);
        assertThat(b.acceptsStickySession(NOW)).isFalse();
    }

    @Test
    void fullBackendIsHealthyButNotSelectable() {
        b.setMaxConnections(2);
        b.requestStarted();
        b.requestStarted();
        assertThat(b.isSelectable(NOW)).isFalse();
        assertThat(b.isHealthyButFull(NOW)).isTrue();
        b.requestFinished();
        assertThat(b.isSelectable(NOW)).isTrue();
    }

    @Test
    void ejectionExpiresWithTimeAndDoublesWhenRepeated() {
        assertThat(b.recordFailure(NOW, 2, SECOND, 10 * SECOND)).isFalse();
        assertThat(b.recordFailure(NOW, 2, SECOND, 10 * SECOND)).isTrue();
        assertThat(b.isSelectable(NOW + SECOND / 2)).isFalse();
        assertThat(b.isSelectable(NOW + SECOND)).isTrue();
        b.recordFailure(NOW + 2 * SECOND, 2, SECOND, 10 * SECOND);
        b.recordFailure(NOW + 2 * SECOND, 2, SECOND, 10 * SECOND);
        assertThat(b.ejectedUntilNanos()).isEqualTo(NOW + 4 * SECOND);
        b.clearEjection();
        assertThat(b.isSelectable(NOW + 2 * SECOND)).isTrue();
    }

    @Test
    void selectionChangesBumpTheVersionAndNotifyListeners() {
        List<Backend> seen = new ArrayList<>();
        b.addListener(seen::add);
        long v = b.version();
        b.setWeight(2); // unchanged: no event
        b.setWeight(3);
        b.setState(BackendState.DRAINING);
        b.setLocality("eu-1", "node-a");
        b.recordFailure(NOW, 1, SECOND, SECOND);
        b.clearEjection();
        assertThat(b.version()).isEqualTo(v + 5);
        assertThat(seen).hasSize(5);
    }

    @Test
    void responseTimeAverageStartsAtTheFirstSample() {
        assertThat(b.ewmaNanos()).isZero();
        b.recordResponseTime(1000);
        assertThat(b.ewmaNanos()).isEqualTo(1000);
        b.recordResponseTime(2000);
        assertThat(b.ewmaNanos()).isEqualTo(1300);
    }
}
