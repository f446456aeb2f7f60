package io.fulcrum.control.config;

import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.L4TimeoutsConfig;
import io.fulcrum.core.config.l4.VipTimeoutsConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The semantic rules of {@code l4Timeouts} and {@code virtualServices}: names, VIPs that are
 * literal IP addresses, ports, protocols, pools that exist, no (VIP, port, protocol) owned twice,
 * and options that only make sense for one protocol. Errors name the field path.
 */
final class L4ConfigValidator {

    /** Where findings go (the validator's run, with its source map). */
    interface Sink {
        void error(String path, String message);

        void warn(String path, String message);

        /** The same checks as an HTTP listener's {@code tls}. */
        void checkTls(TlsConfig tls, String path);
    }

    static final Set<String> PROTOCOLS = Set.of("tcp", "udp");
    static final Set<String> PROXY_PROTOCOL_VERSIONS = Set.of("none", "v1", "v2");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private L4ConfigValidator() {
    }

    /** Pools that some L4 listener uses (so the "unused pool" warning leaves them alone). */
    static Set<String> poolsUsed(FulcrumConfig c) {
        Set<String> used = new HashSet<>();
        for (VirtualServiceConfig vs : c.virtualServices()) {
            for (L4ListenerConfig l : vs.listeners()) {
                if (l.pool() != null) {
                    used.add(l.pool());
                }
            }
        }
        return used;
    }

    static void check(FulcrumConfig c, Sink out) {
        for (int i = 0; i < c.pools().size(); i++) {
            PoolConfig pool = c.pools().get(i);
            String path = SourceMap.field(SourceMap.index("pools", i), "proxyProtocol");
            oneOf(out, path, pool.proxyProtocol(), PROXY_PROTOCOL_VERSIONS);
        }
        checkTimeouts(out, c.l4Timeouts(), "l4Timeouts");
        Map<String, String> names = new HashMap<>();
        Map<String, String> owners = new HashMap<>();
        for (int i = 0; i < c.virtualServices().size(); i++) {
            String p = SourceMap.index("virtualServices", i);
            VirtualServiceConfig vs = c.virtualServices().get(i);
            String namePath = SourceMap.field(p, "name");
            if (vs.name() == null || vs.name().isBlank()) {
                out.error(namePath, "required: every virtual service needs a name");
            } else if (names.putIfAbsent(vs.name(), namePath) != null) {
                out.error(namePath, "duplicate virtual service name \"" + vs.name() + "\" (also at "
                        + names.get(vs.name()) + ")");
            }
            checkService(c, vs, p, owners, out);
        }
    }

    private static void checkService(FulcrumConfig c, VirtualServiceConfig vs, String p, Map<String, String> owners,
                                     Sink out) {
        String vipsPath = SourceMap.field(p, "vips");
        if (vs.vips().isEmpty()) {
            out.error(vipsPath, "at least one VIP (a local IP address to bind) is required");
        }
        Set<String> vips = new HashSet<>();
        for (int k = 0; k < vs.vips().size(); k++) {
            String vp = SourceMap.index(vipsPath, k);
            String vip = vs.vips().get(k);
            String problem = ipProblem(vip);
            if (problem != null) {
                out.error(vp, problem);
            } else if (!vips.add(canonical(vip))) {
                out.error(vp, "VIP " + vip + " is listed twice");
            }
        }
        checkTimeouts(out, vs.timeouts(), SourceMap.field(p, "timeouts"));
        String vtPath = SourceMap.field(p, "vipTimeouts");
        for (int k = 0; k < vs.vipTimeouts().size(); k++) {
            VipTimeoutsConfig vt = vs.vipTimeouts().get(k);
            String vp = SourceMap.index(vtPath, k);
            if (vt.vip() == null || ipProblem(vt.vip()) != null || !vips.contains(canonical(vt.vip()))) {
                out.error(SourceMap.field(vp, "vip"), "must be one of this service's vips (got \"" + vt.vip() + "\")");
            }
            checkTimeouts(out, vt.timeouts(), SourceMap.field(vp, "timeouts"));
        }
        checkPacketMode(c, vs, p, out);
        String lsPath = SourceMap.field(p, "listeners");
        if (vs.listeners().isEmpty()) {
            out.error(lsPath, "at least one listener (port and protocol) is required");
        }
        Set<String> keys = new HashSet<>();
        for (int k = 0; k < vs.listeners().size(); k++) {
            L4ListenerConfig l = vs.listeners().get(k);
            String lp = SourceMap.index(lsPath, k);
            checkListener(c, l, lp, out);
            if (!keys.add(l.key())) {
                out.error(SourceMap.field(lp, "port"), "port " + l.port() + "/" + l.protocol()
                        + " is listed twice in this service");
            }
            for (String vip : vips) {
                String owner = owners.putIfAbsent(vip + "|" + l.key(), lp);
                if (owner != null && !owner.startsWith(p + ".")) {
                    out.error(SourceMap.field(lp, "port"), vip + " " + l.key() + " is already owned by " + owner);
                }
            }
        }
    }

    /**
     * The packet modes forward frames: nothing that needs the byte stream (TLS, PROXY headers,
     * splice) applies, backends are IP literals on the VIPs' network, and in DSR a backend
     * answers from the VIP's own port (only the MAC address is rewritten).
     */
    private static void checkPacketMode(FulcrumConfig c, VirtualServiceConfig vs, String p, Sink out) {
        String modePath = SourceMap.field(p, "mode");
        oneOf(out, modePath, vs.mode(), Set.of(VirtualServiceConfig.PROXY, VirtualServiceConfig.DSR,
                VirtualServiceConfig.DNAT));
        if (vs.proxyMode()) {
            return;
        }
        if (vs.packetInterface().isBlank()) {
            out.error(SourceMap.field(p, "packetInterface"), "required in packet mode: the interface the VIPs are reached on");
        }
        for (int k = 0; k < vs.listeners().size(); k++) {
            L4ListenerConfig l = vs.listeners().get(k);
            String lp = SourceMap.index(SourceMap.field(p, "listeners"), k);
            if (l.tls() != null || l.backendTls() != null || l.acceptProxyProtocol() || l.splice()) {
                out.error(lp, "mode " + vs.mode() + " forwards packets: tls, backendTls, acceptProxyProtocol and "
                        + "splice need the proxy mode");
            }
            PoolConfig pool = l.pool() == null ? null : c.pool(l.pool());
            if (pool == null) {
                continue;
            }
            for (int b = 0; b < pool.backends().size(); b++) {
                var hp = pool.backends().get(b).address();
                String bp = SourceMap.field(SourceMap.index(SourceMap.field(SourceMap.index("pools",
                        c.pools().indexOf(pool)), "backends"), b), "address");
                if (hp == null) {
                    continue;
                }
                if (ipProblem(hp.host()) != null) {
                    out.error(bp, "virtual service " + vs.name() + " is in " + vs.mode()
                            + " mode: backends must be IP addresses (got " + hp.host() + ")");
                } else if (VirtualServiceConfig.DSR.equals(vs.mode()) && hp.port() != l.port()) {
                    out.error(bp, "virtual service " + vs.name() + " is in dsr mode: the backend answers from the VIP's"
                            + " port, so its port must be " + l.port() + " (got " + hp.port() + ")");
                }
            }
        }
    }

    private static void checkListener(FulcrumConfig c, L4ListenerConfig l, String p, Sink out) {
        if (l.port() < 1 || l.port() > 65535) {
            out.error(SourceMap.field(p, "port"), "must be between 1 and 65535 (got " + l.port() + ")");
        }
        boolean udp = "udp".equals(l.protocol());
        oneOf(out, SourceMap.field(p, "protocol"), l.protocol(), PROTOCOLS);
        String poolPath = SourceMap.field(p, "pool");
        PoolConfig pool = l.pool() == null ? null : c.pool(l.pool());
        if (l.pool() == null || l.pool().isBlank()) {
            out.error(poolPath, "required: the name of a pool in pools");
        } else if (pool == null) {
            TreeSet<String> known = new TreeSet<>();
            c.pools().forEach(pc -> known.add(pc.name()));
            out.error(poolPath, "unknown pool \"" + l.pool() + "\"; known: " + String.join(", ", known)
                    + Suggestions.didYouMean(l.pool(), known));
        }
        if (l.algorithm() != null) {
            ExtensionChecks.checkAlgorithm(SourceMap.field(p, "algorithm"), l.algorithm(),
                    pool == null ? 0 : pool.backends().size(), out::error, out::warn);
        }
        checkTimeouts(out, l.timeouts(), SourceMap.field(p, "timeouts"));
        if (udp) {
            if (l.acceptProxyProtocol()) {
                out.error(SourceMap.field(p, "acceptProxyProtocol"), "PROXY protocol is accepted on tcp listeners only");
            }
            if (l.tls() != null) {
                out.error(SourceMap.field(p, "tls"), "TLS is terminated on tcp listeners only");
            }
            if (l.backendTls() != null) {
                out.error(SourceMap.field(p, "backendTls"), "TLS to backends is for tcp listeners only");
            }
            if (l.splice()) {
                out.error(SourceMap.field(p, "splice"), "splice relays tcp streams only");
            }
            if (pool != null && !"none".equals(pool.proxyProtocol())) {
                out.warn(poolPath, "pool \"" + pool.name() + "\" sends a PROXY header, which a udp listener does not send");
            }
        } else if (l.udpHash()) {
            out.error(SourceMap.field(p, "udpHash"), "udpHash applies to udp listeners only");
        }
        if (l.tls() != null) {
            out.checkTls(l.tls(), SourceMap.field(p, "tls"));
        }
        BackendTlsConfig bt = l.backendTls();
        if (bt != null && !udp) {
            BackendTlsValidator.check(bt, SourceMap.field(p, "backendTls"), out::error, out::warn);
        }
        if (l.splice() && (l.tls() != null || bt != null && bt.enabled())) {
            out.warn(SourceMap.field(p, "splice"), "splice is not used when TLS is on (the bytes must pass through the JVM)");
        }
    }

    private static void checkTimeouts(Sink out, L4TimeoutsConfig t, String p) {
        positiveIfSet(out, SourceMap.field(p, "connect"), t.connect());
        nonNegativeIfSet(out, SourceMap.field(p, "idle"), t.idle());
        positiveIfSet(out, SourceMap.field(p, "finTimeout"), t.finTimeout());
        positiveIfSet(out, SourceMap.field(p, "staleTimeout"), t.staleTimeout());
        positiveIfSet(out, SourceMap.field(p, "udpSession"), t.udpSession());
    }

    private static void positiveIfSet(Sink out, String path, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            out.error(path, "must be longer than 0 (got " + ConfigUnits.formatDuration(d) + ")");
        }
    }

    private static void nonNegativeIfSet(Sink out, String path, Duration d) {
        if (d != null && d.isNegative()) {
            out.error(path, "must not be negative (got " + ConfigUnits.formatDuration(d) + "); 0s turns it off");
        }
    }

    private static void oneOf(Sink out, String path, String value, Set<String> valid) {
        if (value == null || !valid.contains(value)) {
            TreeSet<String> sorted = new TreeSet<>(valid);
            out.error(path, "must be one of " + String.join(", ", sorted) + " (got \"" + value + "\")"
                    + Suggestions.didYouMean(value, sorted));
        }
    }

    /** Why this is not a literal IP address (a VIP is bound, never resolved), or null. */
    static String ipProblem(String vip) {
        if (vip == null || vip.isBlank()) {
            return "must be an IP address (got nothing)";
        }
        if (!IP_LITERAL.matcher(vip).matches()) {
            return "must be a literal IP address such as 127.0.0.2 or ::1 (got \"" + vip + "\")";
        }
        try {
            InetAddress.getByName(vip); // a literal: no lookup happens
            return null;
        } catch (UnknownHostException e) {
            return "invalid IP address \"" + vip + "\"";
        }
    }

    private static String canonical(String vip) {
        try {
            return InetAddress.getByName(vip).getHostAddress();
        } catch (UnknownHostException e) {
            return vip;
        }
    }
}
