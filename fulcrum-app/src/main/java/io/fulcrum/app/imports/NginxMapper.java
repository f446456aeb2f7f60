package io.fulcrum.app.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps an NGINX directive tree ({@link NginxParser}) to a Fulcrum configuration: {@code upstream}
 * blocks become pools ({@link NginxUpstreams}); the {@code http} servers become one listener per
 * {@code listen} address, whose routes are each server's names ({@code server_name}) and
 * {@code location}s with a {@code proxy_pass} ({@link NginxLocations}); {@code stream} servers
 * become L4 virtual services. A file of bare {@code server} and {@code upstream} blocks (an included
 * site file) is read as the {@code http} context.
 */
final class NginxMapper {

    /** Directives written once at http, server or location level and inherited below, as NGINX does. */
    private static final Set<String> INHERITED = Set.of("keepalive_timeout", "client_header_timeout",
            "client_max_body_size", "proxy_connect_timeout", "proxy_read_timeout", "ssl_certificate",
            "ssl_certificate_key", "proxy_timeout", "proxy_protocol");
    /** Directives whose effect is Fulcrum's behaviour already: converted by writing nothing. */
    private static final Set<String> DEFAULT_BEHAVIOUR = Set.of("proxy_http_version 1.1",
            "proxy_set_header Connection ", "proxy_set_header Host $host", "proxy_set_header Host $http_host",
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for",
            "proxy_set_header X-Forwarded-Proto $scheme", "proxy_set_header X-Forwarded-Host $host");

    private final ImportWarnings warnings;
    private final NginxUpstreams upstreams;
    private final ConfigDraft draft = new ConfigDraft();
    /** Timeouts set on each pool so far, to warn when two locations disagree. */
    private final Map<String, Map<String, String>> poolTimeouts = new HashMap<>();

    NginxMapper(ImportWarnings warnings) {
        this.warnings = warnings;
        this.upstreams = new NginxUpstreams(warnings);
    }

    ConfigDraft map(List<Directive> top) {
        List<Directive> bare = new ArrayList<>();
        for (Directive d : top) {
            switch (d.name()) {
                case "http" -> http(d.block());
                case "stream" -> stream(d.block());
                case "server", "upstream" -> bare.add(d);
                case "worker_processes" -> {
                    if (d.arg(0) != null && d.arg(0).matches("\\d{1,3}")) {
                        draft.server().put("eventLoopThreads", Math.min(256, Integer.parseInt(d.arg(0))));
                    } else if (!"auto".equals(d.arg(0))) {
                        warnings.notConverted(d, "expected a number or auto");
                    } // auto: one per core, Fulcrum's default (0)
                }
                case "daemon" -> {
                    if ("on".equals(d.arg(0))) {
                        draft.server().put("ownSession", true);
                    }
                }
                case "load_module" -> warnings.notConverted(d, "Fulcrum's modules are built in");
                case "events" -> d.block().forEach(e -> warnings.notConverted(e, "Fulcrum sizes its event loops itself"));
                default -> warnings.notConverted(d, "no Fulcrum equivalent");
            }
        }
        if (!bare.isEmpty()) {
            http(bare);
        }
        return draft;
    }

    // --- http ---------------------------------------------------------------------------------------

    /** One {@code server} block of {@code http} with its addresses and names. */
    private record Server(Directive block, List<Listen> listens, List<String> names, Map<String, Directive> scope) {
    }

    /** One {@code listen} address with its flags. */
    private record Listen(SourceAddress address, boolean ssl, boolean http2, boolean defaultServer,
                          boolean proxyProtocol) {
    }

    private void http(List<Directive> block) {
        Map<String, Directive> scope = new HashMap<>();
        List<Directive> servers = new ArrayList<>();
        for (Directive d : block) {
            if (d.name().equals("upstream")) {
                upstream(d);
            } else if (d.name().equals("server")) {
                servers.add(d);
            } else if (INHERITED.contains(d.name())) {
                scope.put(d.name(), d);
            } else if (d.name().equals("access_log")) {
                accessLog(d);
            } else if (!defaultBehaviour(d)) {
                warnings.notConverted(d, "no Fulcrum equivalent");
            }
        }
        Map<String, List<Server>> byBind = new LinkedHashMap<>();
        Map<String, Listen> firstListen = new HashMap<>();
        for (Directive s : servers) {
            Server server = server(s, scope);
            for (Listen l : server.listens) {
                String bind = l.address.fulcrum();
                byBind.computeIfAbsent(bind, k -> new ArrayList<>()).add(server);
                firstListen.putIfAbsent(bind, l);
            }
        }
        mergeDualStack(byBind, firstListen);
        for (var e : byBind.entrySet()) {
            listener(e.getKey(), e.getValue(), firstListen.get(e.getKey()));
        }
    }

    /**
     * {@code listen 80} with {@code listen [::]:80} (Debian's default site does so): Fulcrum's
     * {@code [::]:80} accepts IPv4 as well, and refuses a second listener on the port, so the
     * servers of {@code 0.0.0.0:80} join those of {@code [::]:80}.
     */
    private void mergeDualStack(Map<String, List<Server>> byBind, Map<String, Listen> firstListen) {
        for (String bind : List.copyOf(byBind.keySet())) {
            if (!bind.startsWith("0.0.0.0:")) {
                continue;
            }
            String v6 = "[::]:" + bind.substring(8);
            List<Server> both = byBind.get(v6);
            if (both != null) {
                for (Server s : byBind.remove(bind)) {
                    if (!both.contains(s)) {
                        both.add(s);
                    }
                }
                firstListen.remove(bind);
            }
        }
    }

    private void upstream(Directive d) {
        if (d.arg(0) == null) {
            warnings.notConverted(d, "an upstream needs a name");
        } else if (draft.pool(d.arg(0)) != null) {
            warnings.notConverted(d, "a second upstream named " + d.arg(0));
        } else {
            upstreams.write(d, draft.addPool(d.arg(0)));
        }
    }

    private void accessLog(Directive d) {
        if ("off".equals(d.arg(0))) {
            draft.accessLog().put("enabled", false);
        } else if (d.arg(0) != null) {
            draft.accessLog().put("path", d.arg(0));
            if (d.args().size() > 1) {
                warnings.partNotConverted(d, String.join(" ", d.args().subList(1, d.args().size())),
                        "Fulcrum writes its own format (accessLog.format text or json)");
            }
        }
    }

    private Server server(Directive s, Map<String, Directive> parentScope) {
        Map<String, Directive> scope = new HashMap<>(parentScope);
        List<Listen> listens = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Directive d : s.block()) {
            switch (d.name()) {
                case "listen" -> {
                    Listen l = listen(d, 80);
                    if (l != null) {
                        listens.add(l);
                    }
                }
                case "server_name" -> {
                    for (String n : d.args()) {
                        serverName(d, n, names);
                    }
                }
                case "location" -> {
                    // read by routes(), in NGINX's matching order
                }
                case "access_log" -> warnings.notConverted(d, "Fulcrum has one access log (set it at http level)");
                default -> {
                    if (INHERITED.contains(d.name())) {
                        scope.put(d.name(), d);
                    } else if (!defaultBehaviour(d)) {
                        warnings.notConverted(d, "no Fulcrum equivalent in a server");
                    }
                }
            }
        }
        if (listens.isEmpty() && s.block().stream().noneMatch(d -> d.name().equals("listen"))) {
            // NGINX listens on *:80 when a server names no address.
            listens.add(new Listen(new SourceAddress("", 80), false, false, false, false));
        }
        return new Server(s, listens, names, scope);
    }

    private void serverName(Directive d, String n, List<String> names) {
        String name = n.toLowerCase(Locale.ROOT);
        if (name.equals("_") || name.isEmpty()) {
            return;
        }
        if (name.startsWith("~")) {
            warnings.partNotConverted(d, n, "a regular-expression server name has no Fulcrum host equivalent");
        } else if (name.startsWith(".")) {
            names.add(name.substring(1));
            names.add("*" + name);
        } else if (name.endsWith(".*") || name.indexOf('*') > 0) {
            warnings.partNotConverted(d, n, "Fulcrum's host wildcards are *.name only");
        } else {
            names.add(name);
        }
    }

    /** A {@code listen} line: address (or port alone) and the flags Fulcrum has an equivalent for. */
    private Listen listen(Directive d, int defaultPort) {
        String a = d.arg(0);
        SourceAddress address = null;
        if (a != null && a.matches("\\d{1,5}")) {
            address = SourceAddress.parse("*:" + a);
        } else if (a != null && !a.startsWith("unix:")) {
            address = SourceAddress.parse(a);
            address = address == null ? null : address.withDefaultPort(defaultPort);
        }
        if (address == null) {
            warnings.notConverted(d, "not an address Fulcrum can listen on (UNIX sockets are not supported)");
            return null;
        }
        boolean ssl = false;
        boolean http2 = false;
        boolean def = false;
        boolean proxy = false;
        for (String p : d.args().subList(1, d.args().size())) {
            switch (p) {
                case "ssl" -> ssl = true;
                case "http2" -> http2 = true;
                case "default_server", "default" -> def = true;
                case "proxy_protocol" -> proxy = true;
                case "udp" -> {
                }
                default -> warnings.partNotConverted(d, p, "no Fulcrum setting");
            }
        }
        return new Listen(address, ssl, http2, def, proxy);
    }

    /** One listener for every server on {@code bind}: named servers' routes first, the default server's last. */
    private void listener(String bind, List<Server> servers, Listen listen) {
        Server defaultServer = servers.stream()
                .filter(s -> s.listens.stream().anyMatch(l -> l.address.fulcrum().equals(bind) && l.defaultServer))
                .findFirst().orElse(servers.getFirst());
        Server first = servers.getFirst();
        if (servers.stream().noneMatch(NginxMapper::proxies)) {
            for (Server s : servers) {
                warnings.notConverted(s.block, "no location of this server has a proxy_pass, so " + bind
                        + " gets no listener");
                s.block.block().stream().filter(d -> d.name().equals("location")).forEach(d ->
                        warnings.notConverted(d, "no proxy_pass: Fulcrum proxies, it does not serve files or fixed answers"));
            }
            return;
        }
        ObjectNode l = draft.addListener(listenerName(first, listen), bind);
        ObjectNode timeouts = ConfigDraft.object();
        duration(first.scope.get("client_header_timeout"), timeouts, "headerRead");
        duration(first.scope.get("keepalive_timeout"), timeouts, "idle");
        if (!timeouts.isEmpty()) {
            l.set("timeouts", timeouts);
        }
        Directive body = first.scope.get("client_max_body_size");
        if (body != null && body.arg(0) != null && body.arg(0).toLowerCase(Locale.ROOT).matches("\\d+[kmg]?")) {
            l.putObject("limits").put("maxBodyBytes", body.arg(0).toLowerCase(Locale.ROOT));
        }
        if (listen.proxyProtocol) {
            l.put("acceptProxyProtocol", true);
        }
        if (listen.ssl) {
            tls(l, servers, listen);
        }
        ArrayNode routes = l.putArray("routes");
        Set<String> routeNames = new HashSet<>();
        for (Server s : servers) {
            if (s != defaultServer) {
                if (s.names.isEmpty()) {
                    warnings.notConverted(s.block, "a server on " + bind + " with no name Fulcrum can match, "
                            + "and not the default one, is never chosen");
                    continue;
                }
                routes(s, MatchDraft.hosts(s.names), routes, routeNames);
            }
        }
        routes(defaultServer, MatchDraft.ANY, routes, routeNames);
    }

    /** Whether one of the server's locations passes requests on. */
    private static boolean proxies(Server s) {
        return s.block.block().stream().anyMatch(d -> d.name().equals("location")
                && d.block().stream().anyMatch(x -> x.name().equals("proxy_pass")));
    }

    private static String listenerName(Server s, Listen listen) {
        String base = s.names.isEmpty() || s.names.getFirst().startsWith("*") ? "http" : s.names.getFirst();
        return base + "-" + listen.address.port();
    }

    private void tls(ObjectNode l, List<Server> servers, Listen listen) {
        ObjectNode tls = l.putObject("tls");
        ArrayNode certs = tls.putArray("certificates");
        Set<String> seen = new HashSet<>();
        for (Server s : servers) {
            Directive cert = s.scope.get("ssl_certificate");
            Directive key = s.scope.get("ssl_certificate_key");
            if (cert != null && cert.arg(0) != null && seen.add(cert.arg(0))) {
                certs.addObject().put("certFile", cert.arg(0))
                        .put("keyFile", key != null && key.arg(0) != null ? key.arg(0) : cert.arg(0));
            }
        }
        if (listen.http2) {
            tls.putArray("alpn").add("h2").add("http/1.1");
        }
    }

    /** The routes of one server's locations, each also held to {@code hosts}. */
    private void routes(Server s, MatchDraft hosts, ArrayNode routes, Set<String> names) {
        for (NginxLocations.Location loc : NginxLocations.ordered(s.block, warnings)) {
            Map<String, Directive> scope = new HashMap<>(s.scope);
            Directive proxyPass = null;
            for (Directive d : loc.directive().block()) {
                if (d.name().equals("proxy_pass")) {
                    proxyPass = d;
                } else if (INHERITED.contains(d.name())) {
                    scope.put(d.name(), d);
                } else if (d.name().equals("location")) {
                    warnings.notConverted(d, "nested locations are not converted");
                } else if (!defaultBehaviour(d)) {
                    warnings.notConverted(d, "no Fulcrum equivalent in a route");
                }
            }
            if (proxyPass == null) {
                warnings.notConverted(loc.directive(), "no proxy_pass: Fulcrum proxies, it does not serve files "
                        + "or fixed answers; these requests take the next route that matches, or get 404");
                continue;
            }
            String pool = httpPool(proxyPass, loc);
            if (pool == null) {
                continue;
            }
            poolTimeouts(pool, scope);
            ObjectNode r = routes.addObject();
            r.put("name", ConfigDraft.unique(pool, names));
            MatchDraft match = hosts.and(loc.path());
            if (!match.isAny()) {
                r.set("match", match.toNode());
            }
            r.put("pool", pool);
        }
    }

    /** The pool a {@code proxy_pass} sends to: an upstream by name, or a pool made for a literal address. */
    private String httpPool(Directive proxyPass, NginxLocations.Location loc) {
        String target = proxyPass.arg(0);
        if (target == null || target.contains("$")) {
            warnings.notConverted(proxyPass, "a target built from variables has no Fulcrum equivalent");
            return null;
        }
        boolean https = target.startsWith("https://");
        if (!https && !target.startsWith("http://")) {
            warnings.notConverted(proxyPass, "expected http:// or https://");
            return null;
        }
        String rest = target.substring(https ? 8 : 7);
        int slash = rest.indexOf('/');
        String host = slash < 0 ? rest : rest.substring(0, slash);
        String uri = slash < 0 ? null : rest.substring(slash);
        if (uri != null) {
            String location = loc.directive().args().getLast();
            if (!uri.equals(location)) {
                warnings.approximated(proxyPass, "Fulcrum passes the request path unchanged; NGINX replaces the "
                        + "location's prefix with " + uri);
            }
        }
        String pool = poolFor(host, https ? 443 : 80, proxyPass);
        if (pool != null && https) {
            draft.pool(pool).with("tls");
        }
        return pool;
    }

    /** An upstream's pool, or a pool of one backend named after a literal address (made once). */
    private String poolFor(String target, int defaultPort, Directive at) {
        if (draft.pool(target) != null) {
            return target;
        }
        SourceAddress a = target.startsWith("unix:") ? null : SourceAddress.parse(target);
        if (a == null || a.host().isEmpty()) {
            warnings.notConverted(at, "not an upstream name or a host:port");
            return null;
        }
        String address = a.withDefaultPort(defaultPort).fulcrum();
        if (draft.pool(address) == null) {
            ObjectNode pool = draft.addPool(address);
            pool.putArray("backends").addObject().put("address", address);
        }
        return address;
    }

    /** proxy_connect_timeout and proxy_read_timeout of a location, on the pool it sends to. */
    private void poolTimeouts(String pool, Map<String, Directive> scope) {
        poolTimeout(pool, scope.get("proxy_connect_timeout"), "connectTimeout");
        poolTimeout(pool, scope.get("proxy_read_timeout"), "responseTimeout");
    }

    private void poolTimeout(String pool, Directive d, String field) {
        if (d == null) {
            return;
        }
        long ms = d.arg(0) == null ? -1 : Durations.nginxMillis(d.arg(0));
        if (ms <= 0) {
            warnings.notConverted(d, "expected a time");
            return;
        }
        String value = Durations.format(ms);
        String old = poolTimeouts.computeIfAbsent(pool, k -> new HashMap<>()).putIfAbsent(field, value);
        if (old == null) {
            draft.pool(pool).put(field, value);
        } else if (!old.equals(value)) {
            warnings.approximated(d, "Fulcrum sets " + field + " per pool; pool " + pool + " keeps " + old);
        }
    }

    private void duration(Directive d, ObjectNode into, String field) {
        if (d == null) {
            return;
        }
        long ms = d.arg(0) == null ? -1 : Durations.nginxMillis(d.arg(0));
        if (ms < 0) {
            warnings.notConverted(d, "expected a time");
        } else {
            into.put(field, Durations.format(ms));
        }
    }

    /** Whether {@code d} asks for what Fulcrum does anyway (so converting it writes nothing). */
    private static boolean defaultBehaviour(Directive d) {
        String key = d.name() + " " + String.join(" ", d.args());
        return DEFAULT_BEHAVIOUR.contains(key) || DEFAULT_BEHAVIOUR.contains(key.strip() + " ");
    }

    // --- stream -------------------------------------------------------------------------------------

    private void stream(List<Directive> block) {
        Map<String, Directive> scope = new HashMap<>();
        List<Directive> servers = new ArrayList<>();
        for (Directive d : block) {
            if (d.name().equals("upstream")) {
                upstream(d);
            } else if (d.name().equals("server")) {
                servers.add(d);
            } else if (INHERITED.contains(d.name())) {
                scope.put(d.name(), d);
            } else {
                warnings.notConverted(d, "no Fulcrum equivalent in stream");
            }
        }
        for (Directive s : servers) {
            streamServer(s, scope);
        }
    }

    private void streamServer(Directive s, Map<String, Directive> parentScope) {
        Map<String, Directive> scope = new HashMap<>(parentScope);
        List<Directive> listens = new ArrayList<>();
        Directive proxyPass = null;
        for (Directive d : s.block()) {
            switch (d.name()) {
                case "listen" -> listens.add(d);
                case "proxy_pass" -> proxyPass = d;
                default -> {
                    if (INHERITED.contains(d.name())) {
                        scope.put(d.name(), d);
                    } else {
                        warnings.notConverted(d, "no Fulcrum equivalent in a stream server");
                    }
                }
            }
        }
        if (proxyPass == null || proxyPass.arg(0) == null || proxyPass.arg(0).contains("$")) {
            warnings.notConverted(s, "a stream server without a proxy_pass to an upstream or address");
            return;
        }
        String pool = poolFor(proxyPass.arg(0), -1, proxyPass);
        if (pool == null) {
            return;
        }
        Directive pp = scope.get("proxy_protocol");
        if (pp != null && "on".equals(pp.arg(0))) {
            draft.pool(pool).put("proxyProtocol", "v1");
        }
        Directive connect = scope.get("proxy_connect_timeout");
        if (connect != null) {
            poolTimeout(pool, connect, "connectTimeout");
        }
        Map<String, ArrayNode> byVip = new LinkedHashMap<>();
        for (Directive d : listens) {
            Listen l = listen(d, -1);
            if (l == null) {
                continue;
            }
            if (l.address.port() < 0) {
                warnings.notConverted(d, "a stream listen needs a port");
                continue;
            }
            if (!l.address.wildcard() && !l.address.host().matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                warnings.notConverted(d, "an L4 VIP is a literal IP address, not " + l.address.host());
                continue;
            }
            if (l.ssl) {
                warnings.partNotConverted(d, "ssl", "TLS of stream servers is not converted");
            }
            String vip = l.address.vip();
            ArrayNode ls = byVip.get(vip);
            if (ls == null) {
                ObjectNode vs = draft.addVirtualService("stream-" + l.address.port());
                vs.putArray("vips").add(vip);
                ObjectNode t = ConfigDraft.object();
                duration(scope.get("proxy_timeout"), t, "idle");
                if (!t.isEmpty()) {
                    vs.set("timeouts", t);
                }
                ls = vs.putArray("listeners");
                byVip.put(vip, ls);
            }
            ObjectNode listener = ls.addObject();
            listener.put("port", l.address.port());
            if (d.args().contains("udp")) {
                listener.put("protocol", "udp");
            }
            listener.put("pool", pool);
            if (l.proxyProtocol) {
                listener.put("acceptProxyProtocol", true);
            }
        }
    }
}
