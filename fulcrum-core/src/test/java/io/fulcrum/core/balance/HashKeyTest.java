package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.HashKeyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashKeyTest {

    private static final List<Backend> POOL = Pools.backends(1, 1, 1, 1, 1, 1, 1, 1);

    @ParameterizedTest
    @ValueSource(strings = {"maglev", "ring-hash"})
    void headerKeyIgnoresTheClientAddress(String algorithm) {
        LoadBalancer lb = Pools.hashing(algorithm, new HashKeyConfig("header", "X-User"), POOL);
        Random rnd = new Random(3);
        Set<Backend> chosenForUsers = new HashSet<>();
        for (int user = 0; user < 200; user++) {
            TestContext ctx = new TestContext();
            ctx.headers.put("X-User", "user-" + user);
            Backend first = lb.pick(ctx.ip(rnd.nextInt()));
            for (int k = 0; k < 5; k++) {
                assertThat(lb.pick(ctx.ip(rnd.nextInt()))).isSameAs(first);
            }
            chosenForUsers.add(first);
        }
        assertThat(chosenForUsers).hasSize(POOL.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"maglev", "ring-hash"})
    void cookieKeyIgnoresTheClientAddress(String algorithm) {
        LoadBalancer lb = Pools.hashing(algorithm, new HashKeyConfig("cookie", "session"), POOL);
        Random rnd = new Random(4);
        for (int user = 0; user < 200; user++) {
            TestContext ctx = new TestContext();
            ctx.cookies.put("session", "s" + user);
            Backend first = lb.pick(ctx.ip(rnd.nextInt()));
            for (int k = 0; k < 5; k++) {
                assertThat(lb.pick(ctx.ip(rnd.nextInt()))).isSameAs(first);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"header", "cookie"})
    void missingOrEmptyKeyFallsBackToTheClientAddress(String source) {
        LoadBalancer byIp = BalancerRegistry.create("maglev", Pools.spec(POOL));
        LoadBalancer byKey = Pools.hashing("maglev", new HashKeyConfig(source, "k"), POOL);
        Random rnd = new Random(5);
        Set<Backend> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            TestContext ctx = new TestContext().ip(rnd.nextInt());
            if (i % 2 == 0) {
                ctx.headers.put("k", "");
                ctx.cookies.put("k", "");
            }
            Backend b = byKey.pick(ctx);
            assertThat(b).isSameAs(byIp.pick(ctx));
            seen.add(b);
        }
        assertThat(seen).hasSize(POOL.size());
    }

    @Test
    void headerOfAnotherNameIsNotUsed() {
        LoadBalancer lb = Pools.hashing("maglev", new HashKeyConfig("header", "X-User"), POOL);
        LoadBalancer byIp = BalancerRegistry.create("maglev", Pools.spec(POOL));
        TestContext ctx = new TestContext().ip(12345);
        ctx.headers.put("X-Other", "value");
        assertThat(lb.pick(ctx)).isSameAs(byIp.pick(ctx));
    }

    @Test
    void badKeyConfigurationIsRefusedNamingTheField() {
        assertThatThrownBy(() -> Pools.hashing("maglev", new HashKeyConfig("query", "x"), POOL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hashKey.source");
        assertThatThrownBy(() -> Pools.hashing("ring-hash", new HashKeyConfig("cookie", null), POOL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hashKey.name");
    }
}
