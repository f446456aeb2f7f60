package io.fulcrum.app.demo;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's YAML goes through the real loader and says what the demo promises. */
class DemoConfigurationTest {

    private List<SampleBackend> backends;

    @BeforeEach
    void startBackends() throws Exception {
        backends = List.of(SampleBackend.start("alpha", "red"), SampleBackend.start("beta", "blue"),
                SampleBackend.start("gamma", "green"));
    }

    @AfterEach
    void stopBackends() {
        backends.forEach(SampleBackend::close);
    }

    @Test
    void loadsAndDescribesTheDemo() throws Exception {
        FulcrumConfig config = ConfigLoader.parse(DemoConfiguration.yaml(8080, backends), "fulcrum-demo.yaml");

        assertThat(config.accessLog().enabled()).isTrue();
        assertThat(config.listeners()).hasSize(1);
        ListenerConfig listener = config.listeners().getFirst();
        assertThat(listener.bind()).hasToString("127.0.0.1:8080");
        assertThat(listener.routes()).extracting(RouteConfig::name).containsExactly("sticky", "default");
        RouteConfig sticky = listener.routes().getFirst();
        assertThat(sticky.match().pathPrefix()).isEqualTo("/sticky");
        assertThat(sticky.stickiness().enabled()).isTrue();
        assertThat(sticky.stickiness().mode()).isEqualTo("cookie");

        PoolConfig pool = config.pool("demo");
        assertThat(pool.algorithm().name()).isEqualTo("smooth-weighted-round-robin");
        assertThat(pool.backends()).extracting(b -> b.name() + "=" + b.weight())
                .containsExactly("alpha=1", "beta=2", "gamma=3");
        assertThat(pool.backends().getFirst().address()).hasToString(backends.getFirst().hostPort());
    }
}
