package io.fulcrum.app.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps an {@link HaproxyConfig} to a Fulcrum configuration: backends become pools
 * ({@link HaproxyPools}), HTTP frontends become listeners whose routes follow {@code use_backend}
 * rules ({@link HaproxyAcls}) and {@code default_backend}, TCP frontends become L4 virtual services.
 */
final class HaproxyMapper {

    private final ImportWarnings warnings;

    HaproxyMapper(ImportWarnings warnings) {
        this.warnings = warnings;
    }

    ConfigDraft map(HaproxyConfig config) {
        ConfigDraft draft = new ConfigDraft();
        if (config.nbthread() != null) {
            draft.server().put("eventLoopThreads", Math.min(256, config.nbthread()));
        }
        if (config.daemon()) {
            draft.server().put("ownSession", true);
        }
        HaproxyPools pools = new HaproxyPools(warnings, config.caBase());
        for (HaproxyProxy p : config.proxies()) {
            if (p.isBackend()) {
                pools.write(p, draft.addPool(p.name));
                warnStickiness(p);
            }
        }
        for (HaproxyProxy p : config.proxies()) {
            if (p.isFrontend()) {
                if (p.mode.equals("tcp")) {
                    virtualService(config, p, draft);
                } else {
                    listeners(config, p, draft);
                }
            }
            if (p.kind.equals("backend")) {
                warnFrontendOnly(p);
            }
        }
        return draft;
    }

    /** The frontend directives a plain backend has no use for. */
    private void warnFrontendOnly(HaproxyProxy b) {
        for (Directive d : b.binds) {
            warnings.notConverted(d, "bind in a backend section");
        }
        for (Directive d : b.useBackends) {
            warnings.notConverted(d, "use_backend in a backend section");
        }
    }

    private void listeners(HaproxyConfig config, HaproxyProxy f, ConfigDraft draft) {
        ArrayNode routes = routes(config, f);
        List<Map.Entry<Directive, Bind>> all = new ArrayList<>();
        for (Directive bind : f.binds) {
            for (Bind b : binds(config, bind)) {
                all.add(Map.entry(bind, b));
            }
        }
        List<String> addresses = all.stream().map(e -> e.getValue().address.fulcrum()).toList();
        for (var e : all) {
            Directive bind = e.getKey();
            Bind b = e.getValue();
            String address = b.address.fulcrum();
            if (address.startsWith("0.0.0.0:") && addresses.contains("[::]:" + address.substring(8))) {
                // Fulcrum's [::]:port takes IPv4 too, and refuses a second listener on the port.
                warnings.approximated(bind, "served by the listener on [::]:" + address.substring(8));
                continue;
            }
            ObjectNode l = draft.addListener(f.name, b.address.fulcrum());
            ObjectNode timeouts = httpTimeouts(config, f);
            if (!timeouts.isEmpty()) {
                l.set("timeouts", timeouts);
            }
            if (f.maxconn != null) {
                l.putObject("limits").put("maxConnections", f.maxconn);
            }
            if (b.acceptProxy) {
                l.put("acceptProxyProtocol", true);
            }
            if (b.tls != null) {
                l.set("tls", b.tls);
                if (b.h2) {
                    l.with("tls").putArray("alpn").add("h2").add("http/1.1");
                }
            }
            l.set("routes", routes.deepCopy());
        }
        if (f.binds.isEmpty()) {
            warnings.notConverted(f.section, "the " + f.kind + " has no bind line, so it accepts nothing");
        }
    }

    /** The routes of an HTTP frontend: its use_backend rules in order, then default_backend. */
    private ArrayNode routes(HaproxyConfig config, HaproxyProxy f) {
        ArrayNode routes = ConfigDraft.array();
        Set<String> names = new HashSet<>();
        HaproxyAcls acls = new HaproxyAcls();
        for (Directive u : f.useBackends) {
            String backend = u.arg(0);
            HaproxyProxy b = backend == null ? null : config.backend(backend);
            if (b == null) {
                warnings.notConverted(u, backend != null && backend.contains("%[")
                        ? "a backend chosen by an expression has no Fulcrum equivalent" : "no backend named " + backend);
                continue;
            }
            List<MatchDraft> matches;
            if (u.args().size() == 1) {
                matches = List.of(MatchDraft.ANY);
            } else if (u.arg(1).equals("if")) {
                matches = acls.condition(f, u.args().subList(2, u.args().size()));
            } else {
                matches = null;
            }
            if (matches == null) {
                warnings.notConverted(u, u.arg(1).equals("unless")
                        ? "a negated condition (unless) has no Fulcrum route equivalent" : acls.problem());
                continue;
            }
            for (MatchDraft m : matches) {
                route(routes, names, b, m);
            }
        }
        if (f.defaultBackend != null) {
            HaproxyProxy b = config.backend(f.defaultBackend);
            if (b == null) {
                warnings.notConverted(f.defaultBackendAt, "no backend named " + f.defaultBackend);
            } else {
                route(routes, names, b, MatchDraft.ANY);
            }
        } else if (f.kind.equals("listen") && !f.servers.isEmpty()) {
            route(routes, names, f, MatchDraft.ANY);
        }
        for (List<Directive> lines : f.acls.values()) {
            for (Directive acl : lines) {
                if (f.useBackends.stream().noneMatch(u -> u.words().contains(acl.arg(0))
                        || u.words().contains("!" + acl.arg(0)))) {
                    warnings.notConverted(acl, "used by no use_backend rule (other rules are not converted)");
                }
            }
        }
        return routes;
    }

    private void route(ArrayNode routes, Set<String> names, HaproxyProxy backend, MatchDraft match) {
        ObjectNode r = routes.addObject();
        r.put("name", ConfigDraft.unique(backend.name, names));
        if (!match.isAny()) {
            r.set("match", match.toNode());
        }
        r.put("pool", backend.name);
        ObjectNode sticky = stickiness(backend);
        if (sticky != null) {
            r.set("stickiness", sticky);
        }
    }

    /** {@code cookie NAME insert} or {@code stick on src} of a backend as route stickiness, or null. */
    private ObjectNode stickiness(HaproxyProxy b) {
        if (b.cookie != null && b.cookie.arg(0) != null) {
            ObjectNode s = ConfigDraft.object();
            s.put("enabled", true);
            s.put("mode", "cookie");
            s.put("cookieName", b.cookie.arg(0));
            List<String> a = b.cookie.args();
            for (int i = 1; i < a.size(); i++) {
                if ((a.get(i).equals("maxidle") || a.get(i).equals("maxlife")) && i + 1 < a.size()) {
                    long ms = Durations.haproxyMillis(a.get(++i));
                    if (ms > 0) {
                        s.put("timeout", Durations.format(ms));
                    }
                }
            }
            return s;
        }
        if (b.stickOn != null && b.stickOn.args().size() >= 2
                && (b.stickOn.arg(0).equals("on") || b.stickOn.arg(0).equals("match"))
                && b.stickOn.arg(1).equals("src")) {
            ObjectNode s = ConfigDraft.object();
            s.put("enabled", true);
            s.put("mode", "source");
            if (b.stickTable != null) {
                int expire = b.stickTable.args().indexOf("expire");
                if (expire >= 0 && expire + 1 < b.stickTable.args().size()) {
                    long ms = Durations.haproxyMillis(b.stickTable.args().get(expire + 1));
                    if (ms > 0) {
                        s.put("timeout", Durations.format(ms));
                    }
                }
            }
            return s;
        }
        return null;
    }

    /** Warnings about the stickiness directives {@link #stickiness} could not take; once per backend. */
    private void warnStickiness(HaproxyProxy b) {
        if (b.cookie != null && b.section.block().contains(b.cookie)) {
            List<String> extra = b.cookie.args().stream().skip(1)
                    .filter(w -> !w.equals("insert") && !w.equals("maxidle") && !w.equals("maxlife")
                            && Durations.haproxyMillis(w) < 0)
                    .toList();
            if (!extra.isEmpty()) {
                warnings.approximated(b.cookie, "Fulcrum inserts its own cookie with a random session id; "
                        + String.join(" ", extra) + " not converted");
            }
        }
        if (b.stickOn != null && !(b.stickOn.args().size() >= 2 && b.stickOn.arg(1).equals("src"))) {
            warnings.notConverted(b.stickOn, "Fulcrum sticks on the client address or a cookie only");
        } else if (b.stickOn != null) {
            warnings.approximated(b.stickOn, "Fulcrum's source stickiness keys on the Host and the client address");
        }
        if (b.stickTable != null && b.stickOn == null) {
            warnings.notConverted(b.stickTable, "a stick-table without stick on src (tracking, rate limits)");
        }
    }

    /** The listener timeouts an HTTP frontend's HAProxy timeouts give. */
    private ObjectNode httpTimeouts(HaproxyConfig config, HaproxyProxy f) {
        ObjectNode t = ConfigDraft.object();
        Long request = f.timeout("http-request");
        Long idle = f.timeout("http-keep-alive") != null ? f.timeout("http-keep-alive")
                : request != null ? request : f.timeout("client");
        if (request != null) {
            t.put("headerRead", Durations.format(request));
        }
        if (idle != null) {
            t.put("idle", Durations.format(idle));
        }
        long server = 0;
        for (String pool : poolsOf(config, f)) {
            HaproxyProxy b = config.backend(pool);
            if (b.timeout("server") != null) {
                server = Math.max(server, b.timeout("server"));
            }
        }
        // HAProxy bounds inactivity, Fulcrum the whole exchange: give it at least the backends' time.
        if (server > 60_000) {
            t.put("request", Durations.format(server));
        }
        return t;
    }

    private static List<String> poolsOf(HaproxyConfig config, HaproxyProxy f) {
        List<String> out = new ArrayList<>();
        for (Directive u : f.useBackends) {
            if (u.arg(0) != null && config.backend(u.arg(0)) != null) {
                out.add(u.arg(0));
            }
        }
        if (f.defaultBackend != null && config.backend(f.defaultBackend) != null) {
            out.add(f.defaultBackend);
        } else if (f.kind.equals("listen")) {
            out.add(f.name);
        }
        return out;
    }

    /** A TCP frontend as a virtual service: its bind addresses as VIPs, its ports as L4 listeners. */
    private void virtualService(HaproxyConfig config, HaproxyProxy f, ConfigDraft draft) {
        String pool = f.defaultBackend != null ? f.defaultBackend : f.kind.equals("listen") ? f.name : null;
        for (Directive u : f.useBackends) {
            warnings.notConverted(u, "Fulcrum's L4 services do not route by content; the default backend serves");
        }
        if (pool == null || config.backend(pool) == null) {
            warnings.notConverted(f.section, "a TCP " + f.kind + " without a default_backend (or servers) to send to");
            return;
        }
        Map<String, List<Bind>> byVip = new LinkedHashMap<>();
        for (Directive bind : f.binds) {
            for (Bind b : binds(config, bind)) {
                if (!b.address.wildcard() && !b.address.host().matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                    warnings.notConverted(bind, "an L4 VIP is a literal IP address, not " + b.address.host());
                    continue;
                }
                byVip.computeIfAbsent(b.address.vip(), k -> new ArrayList<>()).add(b);
            }
        }
        ObjectNode timeouts = ConfigDraft.object();
        Long tunnel = f.timeout("tunnel");
        Long client = f.timeout("client");
        Long server = config.backend(pool).timeout("server");
        Long idle = tunnel != null ? tunnel : client == null ? server : server == null ? client : Math.min(client, server);
        if (idle != null) {
            timeouts.put("idle", Durations.format(idle));
        }
        if (f.timeout("client-fin") != null && f.timeout("client-fin") > 0) {
            timeouts.put("finTimeout", Durations.format(f.timeout("client-fin")));
        }
        for (var e : byVip.entrySet()) {
            ObjectNode vs = draft.addVirtualService(f.name);
            vs.putArray("vips").add(e.getKey());
            if (!timeouts.isEmpty()) {
                vs.set("timeouts", timeouts.deepCopy());
            }
            ArrayNode listeners = vs.putArray("listeners");
            Set<Integer> ports = new HashSet<>();
            for (Bind b : e.getValue()) {
                if (!ports.add(b.address.port())) {
                    continue;
                }
                ObjectNode l = listeners.addObject();
                l.put("port", b.address.port());
                l.put("pool", pool);
                if (b.acceptProxy) {
                    l.put("acceptProxyProtocol", true);
                }
                if (b.tls != null) {
                    b.tls.putArray("alpn");
                    l.set("tls", b.tls);
                }
            }
        }
    }

    /** One address of a bind line with what its parameters say. */
    private record Bind(SourceAddress address, ObjectNode tls, boolean acceptProxy, boolean h2) {
    }

    /** The addresses of a {@code bind} line ({@code addr:port[,addr:port]}) with its parameters read. */
    private List<Bind> binds(HaproxyConfig config, Directive bind) {
        List<Bind> out = new ArrayList<>();
        if (bind.args().isEmpty()) {
            warnings.notConverted(bind, "bind needs an address");
            return out;
        }
        boolean ssl = false;
        boolean acceptProxy = false;
        boolean h2 = false;
        List<String> crts = new ArrayList<>();
        List<String> params = bind.args().subList(1, bind.args().size());
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            switch (p) {
                case "ssl" -> ssl = true;
                case "crt" -> {
                    if (i + 1 < params.size()) {
                        String crt = params.get(++i);
                        crts.add(crt.startsWith("/") || config.crtBase() == null ? crt : config.crtBase() + "/" + crt);
                    }
                }
                case "accept-proxy" -> acceptProxy = true;
                case "alpn" -> {
                    if (i + 1 < params.size()) {
                        h2 = params.get(++i).contains("h2");
                    }
                }
                default -> {
                    // A parameter that is not a flag takes the next word as its value.
                    boolean valued = !BIND_FLAGS.contains(p) && i + 1 < params.size();
                    warnings.partNotConverted(bind, valued ? p + " " + params.get(i + 1) : p, "no Fulcrum setting");
                    if (valued) {
                        i++;
                    }
                }
            }
        }
        ObjectNode tls = null;
        if (ssl) {
            if (crts.isEmpty()) {
                warnings.notConverted(bind, "ssl without a crt file");
                return out;
            }
            tls = ConfigDraft.object();
            ArrayNode certs = tls.putArray("certificates");
            for (String crt : crts) {
                // HAProxy's crt is one PEM with the certificate chain and the key; Fulcrum reads both from it.
                certs.addObject().put("certFile", crt).put("keyFile", crt);
            }
        }
        for (String one : bind.arg(0).split(",")) {
            SourceAddress a = one.contains("@") || one.startsWith("/") ? null : SourceAddress.parse(one);
            if (a == null || a.port() < 0) {
                warnings.partNotConverted(bind, one, "not an address:port Fulcrum can listen on (port ranges, "
                        + "UNIX sockets and namespaces are not)");
                continue;
            }
            out.add(new Bind(a, tls == null ? null : tls.deepCopy(), acceptProxy, h2));
        }
        return out;
    }

    /** Bind parameters that take no value. */
    private static final Set<String> BIND_FLAGS = Set.of("ssl", "v4v6", "v6only", "transparent", "defer-accept",
            "accept-proxy", "allow-0rtt", "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13",
            "no-tls-tickets", "prefer-client-ciphers", "strict-sni", "tfo", "quic-force-retry", "force-tlsv12",
            "force-tlsv13", "generate-certificates", "no-ca-names");
}
