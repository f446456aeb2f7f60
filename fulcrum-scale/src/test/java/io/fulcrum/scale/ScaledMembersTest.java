package io.fulcrum.scale;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The scaler's members laid over a configuration: added after the file's backends, drained, removed. */
class ScaledMembersTest {

    private static BackendConfig backend(String name, int port) {
        return new BackendConfig(name, HostPort.of("127.0.0.1", port), 1, 0, null, null, Map.of(), "up");
    }

    private static FulcrumConfig config() {
        PoolConfig web = PoolConfigBuilder.pool("web").backend(backend("file-1", 9001)).build();
        PoolConfig other = PoolConfigBuilder.pool("other").backend(backend("o", 9101)).build();
        return new FulcrumConfig(null, null, null, List.of(web, other), null, null, null, null, null, null, null, null,
                null, null);
    }

    @Test
    void membersComeAfterTheFilesBackendsAndTheFileWinsANameClash() {
        ScaledMembers m = new ScaledMembers();
        m.put("web", backend("member-1", 9002));
        m.put("web", backend("file-1", 9999));
        FulcrumConfig c = m.apply(config());
        assertThat(c.pool("web").backends()).extracting(BackendConfig::name).containsExactly("file-1", "member-1");
        assertThat(c.pool("web").backends().getFirst().address().port()).isEqualTo(9001);
        assertThat(c.pool("other")).isEqualTo(config().pool("other"));
    }

    @Test
    void aDrainingMemberKeepsItsAddressAndARemovedOneIsGone() {
        ScaledMembers m = new ScaledMembers();
        m.put("web", backend("member-1", 9002));
        m.put("web", backend("member-2", 9003));
        assertThat(m.state("web", "member-1", "draining")).isTrue();
        assertThat(m.state("web", "nope", "draining")).isFalse();
        FulcrumConfig c = m.apply(config());
        assertThat(c.pool("web").backends().get(1).state()).isEqualTo("draining");
        assertThat(c.pool("web").backends().get(1).address().port()).isEqualTo(9002);
        assertThat(m.remove("web", "member-1")).isTrue();
        assertThat(m.apply(config()).pool("web").backends()).extracting(BackendConfig::name)
                .containsExactly("file-1", "member-2");
        m.clear("web");
        assertThat(m.apply(config())).isEqualTo(config());
    }
}
