package io.fulcrum.core.config.gslb;

import io.fulcrum.core.config.HostPort;

/**
 * One VIP of a site.
 *
 * @param address        {@code host:port} clients connect to
 * @param listener       on the own site: the proxy listener serving this VIP (its pools give the capacity)
 * @param check          how other sites check it: {@code http} (a GET, the status must be 2xx) or {@code tcp} (open/close)
 * @param path           the path the {@code http} check asks for
 * @param hostHeader     the Host header the {@code http} check sends; default the address
 * @param maxConnections the VIP's capacity in concurrent requests; 0 = the sum of its backends' max connections
 */
public record VipConfig(HostPort address, String listener, String check, String path, String hostHeader,
                        Integer maxConnections) {

    public VipConfig {
        check = check == null ? "http" : check;
        path = path == null ? "/" : path;
        maxConnections = maxConnections == null ? 0 : maxConnections;
    }
}
