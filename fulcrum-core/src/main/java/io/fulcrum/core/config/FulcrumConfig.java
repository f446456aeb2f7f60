package io.fulcrum.core.config;

import io.fulcrum.core.config.admin.AdminConfig;

import java.util.List;

/**
 * One whole configuration snapshot: process settings, the listeners with their
 * routes, the backend pools, and the access log.
 *
 * @param server    process-wide settings (threads, identity of this node, shutdown)
 * @param accessLog where and how requests are logged
 * @param listeners the addresses Fulcrum accepts traffic on
 * @param pools     the backend pools that routes send traffic to
 * @param admin     the admin API, dashboard and metrics server (absent: not served)
 */
public record FulcrumConfig(
        ServerSettings server,
        AccessLogConfig accessLog,
        List<ListenerConfig> listeners,
        List<PoolConfig> pools,
        AdminConfig admin) {

    public FulcrumConfig {
        admin = admin == null ? AdminConfig.disabled() : admin;
        server = server == null ? ServerSettings.defaults() : server;
        accessLog = accessLog == null ? AccessLogConfig.defaults() : accessLog;
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        pools = pools == null ? List.of() : List.copyOf(pools);
    }

    /** A configuration without an admin section. */
    public FulcrumConfig(ServerSettings server, AccessLogConfig accessLog, List<ListenerConfig> listeners,
                         List<PoolConfig> pools) {
        this(server, accessLog, listeners, pools, null);
    }

    /** The pool with this name, or {@code null}. */
    public PoolConfig pool(String name) {
        for (PoolConfig p : pools) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
