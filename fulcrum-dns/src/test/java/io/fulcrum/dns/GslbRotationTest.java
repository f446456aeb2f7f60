package io.fulcrum.dns;

import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.MutableSiteState;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rotation of a spreading policy goes on across rebuilds of the answer set: when the
 * site state's version moves between every two queries (a check result or an UPDATE
 * arriving between two queries of a quiet resolver), the answers still follow the shares
 * exactly, asked one by one with {@code dig}.
 */
class GslbRotationTest {

    private static final String CONFIG = """
            sites:
              - {name: east, vips: [192.0.2.10], weight: 3}
              - {name: west, vips: [192.0.2.20], weight: 1}
              - {name: asia, vips: [192.0.2.30], weight: 1}
            dns:
              listen: ["127.0.0.1:5353"]
              zones:
                - name: example.test
                  records:
                    - {name: www, type: A, value: 192.0.2.1}
              gslb:
                - {name: shared.example.test, policy: [up, handoff], answers: 1}
                - {name: weighted.example.test, policy: [up, weighted], answers: 1}
            """;

    @Test
    void handoffSharesHoldWhenTheVersionMovesBetweenEveryTwoQueries() throws Exception {
        MutableSiteState state = new MutableSiteState()
                .shares(Map.of("east", 1 / 3.0, "west", 1 / 3.0, "asia", 1 / 3.0));
        try (DnsTestServer s = DnsTestServer.start(CONFIG, state)) {
            Map<String, Integer> counts = askOneByOne(s, state, "shared.example.test", 99);
            // Equal thirds: a smooth rotation gives each site exactly one answer in three.
            assertThat(counts).hasSize(3);
            assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(32, 34));
        }
    }

    @Test
    void weightsHoldWhenTheVersionMovesBetweenEveryTwoQueries() throws Exception {
        MutableSiteState state = new MutableSiteState();
        try (DnsTestServer s = DnsTestServer.start(CONFIG, state)) {
            Map<String, Integer> counts = askOneByOne(s, state, "weighted.example.test", 100);
            // Weights 3 : 1 : 1 over 100 answers.
            assertThat(counts.get("192.0.2.10")).isBetween(59, 61);
            assertThat(counts.get("192.0.2.20")).isBetween(19, 21);
            assertThat(counts.get("192.0.2.30")).isBetween(19, 21);
        }
    }

    /** Asks {@code n} times with {@code dig}, the state's version moving before every query. */
    private static Map<String, Integer> askOneByOne(DnsTestServer s, MutableSiteState state, String name, int n)
            throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            state.touch();
            String address = s.dig("+short", name, "A").strip();
            counts.merge(address, 1, Integer::sum);
        }
        return counts;
    }
}
