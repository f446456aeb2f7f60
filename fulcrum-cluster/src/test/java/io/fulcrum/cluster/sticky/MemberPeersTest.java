package io.fulcrum.cluster.sticky;

import io.fulcrum.cluster.member.Member;
import io.fulcrum.cluster.member.MemberState;
import io.fulcrum.cluster.member.MemberView;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which members are a node's sticky peers: the other serving proxies that registered a sticky address. */
class MemberPeersTest {

    private static MemberView member(String id, List<String> roles, MemberState state, String... sticky) {
        Member m = new Member(id, roles, "s1", id, Map.of(MemberPeers.PART, List.of(sticky)), 100, "test",
                Member.UP, Instant.EPOCH);
        return new MemberView(m, state, Instant.EPOCH);
    }

    @Test
    void theOtherServingProxiesWithAStickyAddress() {
        List<MemberView> members = List.of(
                member("self", List.of("proxy"), MemberState.UP, "127.0.0.1:7401"),
                member("up", List.of("proxy", "dns"), MemberState.UP, "127.0.0.2:7400"),
                member("draining", List.of("proxy"), MemberState.DRAINING, "127.0.0.3:7400"),
                member("failed", List.of("proxy"), MemberState.FAILED, "127.0.0.4:7400"),
                member("removed", List.of("proxy"), MemberState.REMOVED, "127.0.0.5:7400"),
                member("dns-only", List.of("dns"), MemberState.UP, "127.0.0.6:7400"),
                member("none", List.of("proxy"), MemberState.UP),
                member("bad", List.of("proxy"), MemberState.UP, "not an address", "[::1]:7400"));
        assertThat(MemberPeers.of(members, "self")).containsExactly(
                new InetSocketAddress("127.0.0.2", 7400), new InetSocketAddress("127.0.0.3", 7400),
                new InetSocketAddress("::1", 7400));
    }

    @Test
    void followsTheMembersAsTheyAreNow() {
        List<List<MemberView>> views = List.of(List.of(), List.of(member("b", List.of("proxy"), MemberState.UP,
                "127.0.0.2:7400")));
        int[] i = {0};
        MemberPeers peers = new MemberPeers(() -> views.get(i[0]), "a");
        assertThat(peers.get()).isEmpty();
        i[0] = 1;
        assertThat(peers.get()).containsExactly(new InetSocketAddress("127.0.0.2", 7400));
    }
}
