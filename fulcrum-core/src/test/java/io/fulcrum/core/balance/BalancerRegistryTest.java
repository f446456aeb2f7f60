package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.ExtensionConfig;
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
                .hasMessageContaining("unknown balancing algorithm \"fastest\"")
                .hasMessageContaining("least-connections, least-response-time, locality-weighted-round-robin, maglev");
        assertThatThrownBy(() -> Pools.create(null, Pools.backends(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesSettingsAnAlgorithmCannotUse() {
        List<Backend> pool = Pools.backends(1);
        assertThatThrownBy(() -> BalancerRegistry.create(new ExtensionConfig<>("maglev",
                new MaglevSettings(null, 65536)), Pools.spec(pool)))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("maglev.tableSize: must be a prime");
        assertThatThrownBy(() -> BalancerRegistry.create(new ExtensionConfig<>("maglev",
                new MaglevSettings(null, 3)), Pools.spec(Pools.backends(1, 1, 1))))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("maglev.tableSize: must be larger");
        assertThatThrownBy(() -> BalancerRegistry.create(new ExtensionConfig<>("ring-hash",
                new RingHashSettings(null, 0)), Pools.spec(pool)))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("ring-hash.replicas");
        assertThatThrownBy(() -> BalancerRegistry.create(new ExtensionConfig<>("ring-hash",
                new MaglevSettings(null, null)), Pools.spec(pool)))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("ring-hash: ring-hash takes");
        assertThatThrownBy(() -> BalancerRegistry.create("random", Pools.spec(pool, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weightBound");
    }

    @Test
    void smallPrimeMaglevTableStillWorks() {
        List<Backend> pool = Pools.backends(1, 2, 3);
        LoadBalancer lb = BalancerRegistry.create(new ExtensionConfig<>("maglev", new MaglevSettings(null, 13)),
                Pools.spec(pool));
        for (int i = 0; i < 100; i++) {
            assertThat(lb.pick(new TestContext().ip(i))).isIn(pool);
        }
    }
}
