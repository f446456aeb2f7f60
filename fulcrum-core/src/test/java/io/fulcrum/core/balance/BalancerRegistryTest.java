package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.HashKeyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BalancerRegistryTest {

    static Set<String> names() {
        return BalancerRegistry.names();
    }

    @Test
    void knowsElevenAlgorithms() {
        assertThat(BalancerRegistry.names()).containsExactlyInAnyOrder("round-robin", "weighted-round-robin",
                "smooth-weighted-round-robin", "least-connections", "least-response-time", "power-of-two", "random",
                "source-ip-hash", "maglev", "ring-hash", "locality-weighted-round-robin");
    }

    @ParameterizedTest
    @MethodSource("names")
    void buildsEveryNamedAlgorithm(String name) {
        List<Backend> pool = Pools.backends(2, 1);
        LoadBalancer lb = Pools.create(name, pool);
        assertThat(lb.name()).isEqualTo(name);
        assertThat(lb.pick(new TestContext())).isIn(pool);
    }

    @ParameterizedTest
    @MethodSource("names")
    void emptyPoolGivesNull(String name) {
        assertThat(Pools.create(name, List.of()).pick(new TestContext())).isNull();
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Pools.create("fastest", Pools.backends(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fastest'")
                .hasMessageContaining("least-connections, least-response-time, locality-weighted-round-robin, maglev");
        assertThatThrownBy(() -> Pools.create(null, Pools.backends(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesSettingsAnAlgorithmCannotUse() {
        List<Backend> pool = Pools.backends(1);
        assertThatThrownBy(() -> BalancerRegistry.create("maglev",
                new BalancerSpec(pool, HashKeyConfig.clientIp(), 256, 65536, 160, "", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maglevTableSize");
        assertThatThrownBy(() -> BalancerRegistry.create("ring-hash",
                new BalancerSpec(pool, HashKeyConfig.clientIp(), 256, 65537, 0, "", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ringReplicas");
        assertThatThrownBy(() -> BalancerRegistry.create("random", Pools.spec(pool, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weightBound");
    }

    @Test
    void smallPrimeMaglevTableStillWorks() {
        List<Backend> pool = Pools.backends(1, 2, 3);
        LoadBalancer lb = BalancerRegistry.create("maglev",
                new BalancerSpec(pool, HashKeyConfig.clientIp(), 256, 13, 160, "", ""));
        for (int i = 0; i < 100; i++) {
            assertThat(lb.pick(new TestContext().ip(i))).isIn(pool);
        }
    }
}
