package io.fulcrum.app.node;

import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.spi.MetricsSource;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.core.l4.ConnectionTableSource;
import io.fulcrum.core.l4.ConnectionTableSource.BackendConnectionCounters;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows the L4 router's virtual services in the admin API
 * ({@code GET /api/v1/virtual-services}): each with its VIPs and, per port and protocol,
 * the pool and algorithm it uses and the connection counters of that pool's backends; and the
 * same counters per backend on {@code /metrics} (flows opened and open, bytes each way), only
 * while virtual services are configured.
 */
final class VirtualServicesAdminView extends AdminBridge implements AdminReadable, MetricsSource {

    private final ConnectionTableSource table;

    VirtualServicesAdminView(ConnectionTableSource table) {
        super("l4-admin");
        this.table = table;
    }

    /** Shown while the configuration in force has virtual services. */
    @Override
    public boolean inUse() {
        FulcrumConfig c = config();
        return c != null && !c.virtualServices().isEmpty();
    }

    @Override
    public String adminPath() {
        return "virtual-services";
    }

    @Override
    public Object adminSnapshot() {
        FulcrumConfig c = config();
        List<Map<String, Object>> out = new ArrayList<>();
        if (c == null) {
            return out;
        }
        List<ConnectionTableSource.BackendConnectionCounters> counters = table.backendCounters();
        for (VirtualServiceConfig vs : c.virtualServices()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", vs.name());
            m.put("vips", vs.vips());
            m.put("mode", vs.mode());
            List<Map<String, Object>> listeners = new ArrayList<>();
            for (L4ListenerConfig l : vs.listeners()) {
                Map<String, Object> lm = new LinkedHashMap<>();
                lm.put("port", l.port());
                lm.put("protocol", l.protocol());
                lm.put("pool", l.pool());
                lm.put("algorithm", l.algorithm() == null ? null : l.algorithm().name());
                lm.put("backends", counters.stream()
                        .filter(k -> k.service().equals(vs.name()) && k.pool().equals(l.pool()))
                        .toList());
                listeners.add(lm);
            }
            m.put("listeners", listeners);
            out.add(m);
        }
        return out;
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        String[] labels = {"service", "pool", "backend"};
        CounterWithCallback.builder().name("fulcrum_l4_flows_opened")
                .help("L4 flows (TCP connections, UDP sessions) sent to the backend by the virtual service.")
                .labelNames(labels)
                .callback(cb -> eachBackend(c -> cb.call(c.opened(), c.service(), c.pool(), c.backend())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_l4_flows")
                .help("L4 flows to the backend open now, by state: active (relaying) or fin (closing).")
                .labelNames("service", "pool", "backend", "state")
                .callback(cb -> eachBackend(c -> {
                    cb.call(c.active(), c.service(), c.pool(), c.backend(), "active");
                    cb.call(c.fin(), c.service(), c.pool(), c.backend(), "fin");
                }))
                .register(registry);
        CounterWithCallback.builder().name("fulcrum_l4_received_bytes")
                .help("Bytes from the clients of the backend's L4 flows (splice(2) relays are not seen).")
                .labelNames(labels)
                .callback(cb -> eachBackend(c -> cb.call(c.bytesIn(), c.service(), c.pool(), c.backend())))
                .register(registry);
        CounterWithCallback.builder().name("fulcrum_l4_sent_bytes")
                .help("Bytes to the clients of the backend's L4 flows (splice(2) relays are not seen).")
                .labelNames(labels)
                .callback(cb -> eachBackend(c -> cb.call(c.bytesOut(), c.service(), c.pool(), c.backend())))
                .register(registry);
    }

    /** Each backend's counters, while virtual services are configured (none otherwise: no L4 series). */
    private void eachBackend(java.util.function.Consumer<BackendConnectionCounters> report) {
        if (inUse()) {
            table.backendCounters().forEach(report);
        }
    }
}
