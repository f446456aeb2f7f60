package io.fulcrum.gslb.site;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.gslb.peer.SiteReport;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;
import io.fulcrum.proxy.runtime.RuntimeState;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The own site's remaining capacity, read from the proxy's live backends: per VIP, the
 * connections it can still take, and whether it is at a local limit (no backend that can
 * take a request: none healthy, or all at their max connections).
 *
 * @param vips     one entry per own VIP
 * @param limitHit whether every own VIP with a listener is at its limit
 * @param limited  the VIPs at their limit
 */
public record LocalCapacity(List<SiteReport.VipCapacity> vips, boolean limitHit, List<String> limited) {

    /** Reads the proxy's current state (cheap: a walk over the backends of the VIPs' listeners). */
    public static LocalCapacity read(SiteConfig own, RuntimeState proxy, long nowNanos) {
        List<SiteReport.VipCapacity> out = new ArrayList<>();
        List<String> limited = new ArrayList<>();
        int withListener = 0;
        for (VipConfig vip : own.vips()) {
            ListenerRuntime lr = vip.listener() == null ? null : proxy.listeners().get(vip.listener());
            if (lr == null) {
                out.add(new SiteReport.VipCapacity(vip.endpoint().toString(), -1, vip.maxConnections() > 0
                        ? vip.maxConnections() : -1));
                continue;
            }
            withListener++;
            Map<PoolRuntime, Boolean> pools = new IdentityHashMap<>();
            for (RouteRuntime r : lr.routes()) {
                pools.put(r.pool(), Boolean.TRUE);
            }
            long active = 0;
            long backendMax = 0;
            boolean unlimited = false;
            boolean anySelectable = false;
            for (PoolRuntime pool : pools.keySet()) {
                for (Backend b : pool.backends()) {
                    active += b.activeRequests();
                    boolean selectable = b.isSelectable(nowNanos) || b.isSelectableBackup(nowNanos);
                    anySelectable |= selectable;
                    if (selectable || b.isHealthyButFull(nowNanos)) {
                        if (b.maxConnections() <= 0) {
                            unlimited = true;
                        } else {
                            backendMax += b.maxConnections();
                        }
                    }
                }
            }
            long total = vip.maxConnections() > 0 ? vip.maxConnections() : unlimited ? -1 : backendMax;
            long available;
            if (!anySelectable) {
                available = 0;
            } else if (total < 0) {
                available = -1;
            } else {
                available = Math.max(0, total - active);
            }
            if (!anySelectable || available == 0) {
                limited.add(vip.endpoint().toString());
            }
            out.add(new SiteReport.VipCapacity(vip.endpoint().toString(), available, total));
        }
        return new LocalCapacity(out, withListener > 0 && limited.size() == withListener, limited);
    }

    /** Connections available over all VIPs; -1 when some VIP has no known limit. */
    public long remaining() {
        return sumAvailable(vips);
    }

    /** Free fraction ({@code available / total}) over the VIPs with a known capacity, or NaN. */
    public double freeFraction() {
        return freeFraction(vips);
    }

    static long sumAvailable(List<SiteReport.VipCapacity> vips) {
        long sum = 0;
        for (SiteReport.VipCapacity v : vips) {
            if (v.available() < 0) {
                return -1;
            }
            sum += v.available();
        }
        return sum;
    }

    /** Free fraction of a report's VIPs, or NaN when none has a known capacity. */
    public static double freeFraction(List<SiteReport.VipCapacity> vips) {
        long available = 0;
        long total = 0;
        for (SiteReport.VipCapacity v : vips) {
            if (v.total() > 0 && v.available() >= 0) {
                available += v.available();
                total += v.total();
            }
        }
        return total == 0 ? Double.NaN : (double) available / total;
    }

    /** Remaining connections of a report's VIPs, or -1 when unknown. */
    public static long remaining(List<SiteReport.VipCapacity> vips) {
        return sumAvailable(vips);
    }
}
