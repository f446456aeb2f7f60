package io.fulcrum.dns;

import io.fulcrum.dns.gslb.GslbRecord;
import io.fulcrum.dns.server.AnswerPathWarmUp;
import io.fulcrum.dns.testing.DnsTestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answer path's warm-up before the sockets open: every made-up query is answered, nothing
 * of it shows in the live counters or a sticky record's table, and the server answers real
 * queries (over UDP, with {@code dig}) as it would without it.
 */
class WarmUpTest {

    private static final String CONFIG = """
            sites:
              - {name: east, vips: [192.0.2.10]}
              - {name: west, vips: [192.0.2.20]}
            dns:
              listen: ["127.0.0.1:5353"]
              %s
              zones:
                - name: example.test
                  records:
                    - {name: www, type: A, value: 192.0.2.1}
                    - {name: v6, type: AAAA, value: "2001:db8::1"}
              gslb:
                - {name: app.example.test, policy: [up, weighted], answers: 1}
                - {name: kept.example.test, policy: [up, weighted, {sticky: {timeout: 1h}}], answers: 1}
            """;

    @Test
    void theWarmUpAnswersEveryQueryItMakesAndCountsNothingLive() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(CONFIG.formatted(""))) {
            DnsService service = s.service();
            assertThat(service.stats().udpQueries()).isZero();
            assertThat(service.stats().repliesByRcode().values().stream().mapToLong(Long::longValue).sum()).isZero();
            assertThat(sticky(service).stickyEntries()).isZero();

            assertThat(s.dig("www.example.test", "A", "+short").strip()).isEqualTo("192.0.2.1");
            assertThat(s.dig("kept.example.test", "A", "+short").strip()).isIn("192.0.2.10", "192.0.2.20");
            assertThat(service.stats().udpQueries()).isEqualTo(2);
            assertThat(sticky(service).stickyEntries()).isEqualTo(1);

            // Run again over the live engine: every query made up for these names gets a reply
            // (a well-formed question, NXDOMAIN for the miss), and still nothing counts live.
            List<String> names = AnswerPathWarmUp.names(service.engine().snapshot());
            assertThat(names).contains("example.test", "www.example.test", "v6.example.test", "app.example.test")
                    .doesNotContain("kept.example.test");
            AnswerPathWarmUp.Result r = AnswerPathWarmUp.run(service.engine(), Duration.ofSeconds(5));
            assertThat(r.queries()).isGreaterThan(0);
            assertThat(r.answered()).isEqualTo(r.queries());
            assertThat(service.stats().udpQueries()).isEqualTo(2);
            assertThat(sticky(service).stickyEntries()).isEqualTo(1);
        }
    }

    @Test
    void warmUpZeroRunsNoQueryAndTheServerStillAnswers() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(CONFIG.formatted("warmUp: 0s"))) {
            var config = DnsTestServer.config(CONFIG.formatted("warmUp: 0s")).dns();
            assertThat(config.warmUp()).isZero();
            assertThat(AnswerPathWarmUp.run(s.service().engine(), config.warmUp()).queries()).isZero();
            assertThat(s.dig("www.example.test", "A", "+short").strip()).isEqualTo("192.0.2.1");
        }
    }

    private static GslbRecord sticky(DnsService service) {
        return service.engine().snapshot().gslbRecords().stream()
                .filter(g -> g.displayName().equals("kept.example.test")).findFirst().orElseThrow();
    }
}
