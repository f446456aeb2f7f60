package io.fulcrum.core.backend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The stats page's counters of a backend, driven through the backend itself. */
class BackendCountersTest {

    @Test
    void downtimeGrowsOnlyWhileDownAndEachSpellCountsOnce() {
        Backend b = new Backend("p", "b", "127.0.0.1", 1, 0, 1);
        BackendCounters c = b.counters();
        long before = System.nanoTime();
        assertThat(c.downNanos(before)).isZero();
        assertThat(c.downTransitions()).isZero();

        b.setHealthy(false, "tcp check: connection refused");
        long changed = System.nanoTime();
        assertThat(c.downTransitions()).isEqualTo(1);
        assertThat(c.sinceLastChangeNanos(changed)).isBetween(0L, changed - before);
        // While down, the current spell counts up to the moment asked about.
        assertThat(c.downNanos(changed + 5_000_000_000L) - c.downNanos(changed)).isEqualTo(5_000_000_000L);

        b.setHealthy(false, "still refused"); // the same verdict: no new spell
        assertThat(c.downTransitions()).isEqualTo(1);

        b.setHealthy(true, "passed");
        long up = System.nanoTime();
        long spent = c.downNanos(up);
        assertThat(spent).isPositive();
        assertThat(c.downNanos(up + 5_000_000_000L)).as("no longer growing once up").isEqualTo(spent);

        b.setHealthy(false, "again");
        assertThat(c.downTransitions()).isEqualTo(2);
    }

    @Test
    void aDisabledBackendIsNotCountedDown() {
        Backend b = new Backend("p", "b", "127.0.0.1", 1, 0, 1);
        b.setState(BackendState.DISABLED);
        b.setHealthy(false, "refused");
        assertThat(b.counters().downTransitions()).isZero();
        assertThat(b.counters().downNanos(System.nanoTime() + 1_000_000_000L)).isZero();
    }

    @Test
    void thePeakOfRequestsInFlightStaysAfterThemAndAnswersAreCountedByClass() {
        Backend b = new Backend("p", "b", "127.0.0.1", 1, 0, 1);
        b.requestStarted();
        b.requestStarted();
        b.requestStarted();
        b.requestFinished();
        b.requestFinished();
        b.requestStarted();
        assertThat(b.counters().maxActive()).isEqualTo(3);
        b.counters().finished(204, 10, 0);
        b.counters().finished(503, 0, 20);
        b.counters().finished(0, 0, 0);
        assertThat(b.counters().responses(2)).isEqualTo(1);
        assertThat(b.counters().responses(5)).isEqualTo(1);
        assertThat(b.counters().responses(0)).isEqualTo(1);
        assertThat(b.counters().bytesIn()).isEqualTo(10);
        assertThat(b.counters().bytesOut()).isEqualTo(20);
        assertThat(BackendCounters.statusClass(499)).isEqualTo(4);
        assertThat(BackendCounters.statusClass(600)).isZero();
    }
}
