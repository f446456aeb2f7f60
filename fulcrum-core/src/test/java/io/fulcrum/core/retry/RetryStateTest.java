package io.fulcrum.core.retry;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.balance.LoadBalancer;
import io.fulcrum.core.balance.PickContext;
import io.fulcrum.core.config.PassiveHealthConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetryStateTest {

    private static final long NOW = 1_000_000_000_000L;

    /** The smallest request: a client address and nothing else. */
    private static final class Attempts extends RetryState {
        @Override
        public byte[] clientAddress() {
            return new byte[] {127, 0, 0, 1};
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }
    }

    /** Answers the given backends in turn, then the last one forever; records the pick times it saw. */
    private static final class Scripted implements LoadBalancer {
        final List<Backend> answers;
        final List<Long> seen = new ArrayList<>();
        int next;

        Scripted(Backend... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public Backend pick(PickContext ctx) {
            seen.add(ctx.nowNanos());
            return answers.isEmpty() ? null : answers.get(Math.min(next++, answers.size() - 1));
        }

        @Override
        public String name() {
            return "scripted";
        }
    }

    private static List<Backend> backends(int n) {
        List<Backend> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Backend("pool", "b" + i, "127.0.0." + (i + 1), 8080, i, 1));
        }
        return out;
    }

    @Test
    void nothingIsTriedBeforeTheFirstAttempt() {
        Backend b = backends(1).get(0);
        Attempts a = new Attempts();
        assertThat(a.attempts()).isZero();
        assertThat(a.wasTried(b)).isFalse();
        assertThat(a.mayRetry(0)).isTrue();
    }

    @Test
    void remembersEveryBackendTriedAndCountsAttempts() {
        List<Backend> bs = backends(RetryState.MAX_RETRIED + 1);
        Attempts a = new Attempts();
        for (Backend b : bs) {
            a.noteTried(b);
        }
        assertThat(a.attempts()).isEqualTo(bs.size());
        for (Backend b : bs) {
            assertThat(a.wasTried(b)).as(b.name()).isTrue();
        }
        assertThat(a.wasTried(new Backend("pool", "other", "127.0.0.99", 8080, 99, 1))).isFalse();
    }

    @Test
    void retriesAreAllowedWhileAttemptsDoNotExceedTheConfiguredRetries() {
        List<Backend> bs = backends(3);
        Attempts a = new Attempts();
        a.noteTried(bs.get(0));
        assertThat(a.mayRetry(0)).isFalse();
        assertThat(a.mayRetry(1)).isTrue();
        a.noteTried(bs.get(1));
        assertThat(a.mayRetry(1)).isFalse();
        assertThat(a.mayRetry(2)).isTrue();
    }

    @Test
    void pickSkipsTriedBackendsWithinItsRoundsAndTellsTheBalancerThePickTime() {
        List<Backend> bs = backends(3);
        Attempts a = new Attempts();
        a.noteTried(bs.get(0));
        a.noteTried(bs.get(1));
        Scripted lb = new Scripted(bs.get(0), bs.get(1), bs.get(2));
        a.pickAt(NOW);
        assertThat(a.pickUntried(lb, 3, null)).isSameAs(bs.get(2));
        assertThat(lb.seen).containsOnly(NOW);

        Scripted stuck = new Scripted(bs.get(0));
        assertThat(a.pickUntried(stuck, 3, null)).isNull();
        assertThat(stuck.seen).hasSize(3);
        assertThat(a.pickUntried(new Scripted(), 3, bs)).as("the balancer has none: no scan").isNull();
    }

    @Test
    void aBalancerStuckOnTriedBackendsFallsBackToTheFirstSelectableUntriedOne() {
        List<Backend> bs = backends(3);
        Attempts a = new Attempts();
        a.pickAt(NOW);
        a.noteTried(bs.get(0));
        bs.get(1).setState(BackendState.DOWN);
        Scripted stuck = new Scripted(bs.get(0));
        assertThat(a.pickUntried(stuck, 3, bs)).isSameAs(bs.get(2));
        a.noteTried(bs.get(2));
        assertThat(a.pickUntried(stuck, 3, bs)).isNull();
    }

    @Test
    void ejectionEjectsAfterTheConfiguredRunOfFailures() {
        Backend b = backends(1).get(0);
        Ejection e = Ejection.of(new PassiveHealthConfig(true, 2, Duration.ofSeconds(10), Duration.ofMinutes(1),
                false));
        assertThat(e.recordFailure(b, NOW)).isFalse();
        assertThat(b.isEjected(NOW)).isFalse();
        assertThat(e.recordFailure(b, NOW)).isTrue();
        assertThat(b.isEjected(NOW + Duration.ofSeconds(9).toNanos())).isTrue();
        assertThat(b.isEjected(NOW + Duration.ofSeconds(10).toNanos())).isFalse();
        assertThat(b.failures()).isEqualTo(2);
    }

    @Test
    void ejectionOffCountsFailuresButNeverEjects() {
        Backend b = backends(1).get(0);
        Ejection e = Ejection.of(new PassiveHealthConfig(false, 1, Duration.ofSeconds(10), Duration.ofMinutes(1),
                false));
        assertThat(e.enabled()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(e.recordFailure(b, NOW)).isFalse();
        }
        assertThat(b.isEjected(NOW)).isFalse();
        assertThat(b.failures()).isEqualTo(5);
    }
}
