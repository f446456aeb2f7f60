package io.fulcrum.cluster.stats;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The published statistics: what is written is read back, and a node's client connections with it. */
class StatsCodecTest {

    @Test
    void whatIsPublishedIsReadBackWithTheNodesClientConnections() {
        NodeStats s = new NodeStats("n1", 1_765_000_000_000L, 500, List.of(
                new BackendStats("web", "b1", 2, 3, 12.5, 100, 2000, 0.5, 1, 2, 3, 0.2, 0, 7)), 4);
        NodeStats back = StatsCodec.decode(StatsCodec.encode(s));
        assertThat(back).isEqualTo(s);
        assertThat(back.clientConnections()).isEqualTo(4);
    }

    @Test
    void statisticsOfANodeThatCountsNoClientConnectionsHaveNone() {
        byte[] older = """
                {"v":1,"node":"n1","t":1765000000000,"i":500,"pools":{"web":{"b1":[2,3,12.5,100,2000,0.5,1,2,3,0.2,0,7]}}}
                """.getBytes(StandardCharsets.UTF_8);
        NodeStats s = StatsCodec.decode(older);
        assertThat(s.clientConnections()).isZero();
        assertThat(s.backends()).hasSize(1);
        assertThat(s.backends().getFirst().requests()).isEqualTo(12.5);
    }
}
