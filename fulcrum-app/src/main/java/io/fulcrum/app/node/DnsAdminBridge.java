package io.fulcrum.app.node;

import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.spi.MetricsSource;
import io.fulcrum.dns.DnsService;
import io.fulcrum.dns.DnsStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shows the DNS server's statistics in the admin API ({@code GET /api/v1/dns/stats}) and
 * on {@code /metrics} (queries by type, replies by RCODE, GSLB answers by policy). It lives
 * here, where both modules meet, so that neither the DNS server nor the admin server
 * depends on the other. It owns no resources: start, apply and close do nothing.
 */
final class DnsAdminBridge extends AdminBridge implements AdminReadable, MetricsSource {

    private final DnsService dns;

    DnsAdminBridge(DnsService dns) {
        super("dns-admin");
        this.dns = dns;
    }

    /** Shown while the DNS server is. */
    @Override
    public boolean inUse() {
        return dns.inUse();
    }

    @Override
    public String adminPath() {
        return "dns/stats";
    }

    @Override
    public Object adminSnapshot() {
        DnsStats s = dns.stats();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queriesByType", s.queriesByType());
        out.put("repliesByRcode", s.repliesByRcode());
        out.put("gslbAnswersByPolicy", s.gslbAnswersByPolicy());
        out.put("udpQueries", s.udpQueries());
        out.put("tcpQueries", s.tcpQueries());
        out.put("truncatedReplies", s.truncatedReplies());
        out.put("droppedPackets", s.droppedPackets());
        out.put("gslbAnswers", s.gslbAnswers());
        return out;
    }

    /**
     * The DNS series exist only while the DNS server runs: a node without {@code dns} (or whose
     * reload removed it) shows none of them, as its admin API shows no {@code dns/stats}.
     */
    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        CounterWithCallback.builder().name("fulcrum_dns_queries")
                .help("DNS queries received, by query type")
                .labelNames("type")
                .callback(cb -> whileInUse(() -> dns.stats().queriesByType().forEach((type, n) -> cb.call(n, type))))
                .register(registry);
        CounterWithCallback.builder().name("fulcrum_dns_replies")
                .help("DNS replies sent, by response code")
                .labelNames("rcode")
                .callback(cb -> whileInUse(() -> dns.stats().repliesByRcode().forEach((rcode, n) -> cb.call(n, rcode))))
                .register(registry);
        CounterWithCallback.builder().name("fulcrum_dns_gslb_answers")
                .help("GSLB answers, by policy of the answering record's chain")
                .labelNames("policy")
                .callback(cb -> whileInUse(() -> dns.stats().gslbAnswersByPolicy().forEach((policy, n) -> cb.call(n, policy))))
                .register(registry);
        CounterWithCallback.builder().name("fulcrum_dns_truncated_replies")
                .help("UDP replies sent truncated (TC set)")
                .callback(cb -> whileInUse(() -> cb.call(dns.stats().truncatedReplies())))
                .register(registry);
    }

    private void whileInUse(Runnable report) {
        if (dns.inUse()) {
            report.run();
        }
    }
}
