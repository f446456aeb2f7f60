package io.fulcrum.app.node;

import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.core.l4.ConnectionTableSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows the L4 router's virtual services in the admin API
 * ({@code GET /api/v1/virtual-services}): each with its VIPs and, per port and protocol,
 * the pool and algorithm it uses and the connection counters of that pool's backends.
 *
 */
final class VirtualServicesAdminView extends AdminBridge implements AdminReadable {

    private final ConnectionTableSource table;

    VirtualServicesAdminView(ConnectionTableSource table) {
        super("l4-admin");
        this.table = table;
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
}
