package io.fulcrum.app.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes one HAProxy backend (or the server half of a {@code listen} section) as a Fulcrum pool:
 * its servers as backends (address, weight, {@code maxconn}, {@code backup}, {@code disabled}),
 * {@code balance} as the algorithm, {@code check}/{@code inter}/{@code rise}/{@code fall} and
 * {@code option httpchk} as an active check, its timeouts, retries and PROXY protocol.
 */
final class HaproxyPools {

    private final ImportWarnings warnings;
    private final String caBase;

    HaproxyPools(ImportWarnings warnings, String caBase) {
        this.warnings = warnings;
        this.caBase = caBase;
    }

    void write(HaproxyProxy b, ObjectNode pool) {
        ObjectNode algorithm = null;
        if (b.balance != null) {
            algorithm = algorithm(b);
        }
        if (algorithm != null) {
            String name = algorithm.fieldNames().next();
            pool.set("algorithm", algorithm.get(name).isEmpty() ? ConfigDraft.object().textNode(name) : algorithm);
        } else if (b.balance == null) {
            // HAProxy's default is roundrobin, which is weighted and interleaves heavy servers.
            pool.put("algorithm", "smooth-weighted-round-robin");
        }
        if (b.timeout("connect") != null) {
            pool.put("connectTimeout", Durations.format(Math.max(1, b.timeout("connect"))));
        }
        if (b.timeout("server") != null && !b.mode.equals("tcp")) {
            pool.put("responseTimeout", Durations.format(b.timeout("server")));
        }
        if (b.timeout("queue") != null) {
            pool.putObject("queue").put("timeout", Durations.format(b.timeout("queue")));
        }
        if (b.retries != null) {
            pool.putObject("retries").put("attempts", Math.min(10, b.retries));
            if (b.retries > 10) {
                warnings.approximated(b.section, "retries capped at Fulcrum's most, 10");
            }
        }
        ServerChecks checks = new ServerChecks();
        ArrayNode backends = pool.putArray("backends");
        for (Directive s : b.servers) {
            server(b, s, backends, pool, checks);
        }
        if (checks.first != null) {
            pool.putObject("health").putArray("checks").add(check(b, checks));
            if (checks.unchecked != null) {
                warnings.approximated(checks.unchecked,
                        "Fulcrum checks every backend of a pool, this server without check too");
            }
        } else if (b.httpchk != null && b.section.block().contains(b.httpchk)) {
            warnings.notConverted(b.httpchk, "no server of backend " + b.name + " has check, so nothing is checked");
        }
    }

    /** The balance algorithm as a Fulcrum algorithm mapping {@code {name: {settings}}}, or null (default kept). */
    private ObjectNode algorithm(HaproxyProxy b) {
        Directive d = b.balance;
        String algo = d.arg(0) == null ? "" : d.arg(0);
        boolean consistent = b.hashType != null && "consistent".equals(b.hashType.arg(0));
        ObjectNode a = ConfigDraft.object();
        switch (algo) {
            case "roundrobin" -> a.putObject("smooth-weighted-round-robin");
            case "static-rr" -> a.putObject("weighted-round-robin");
            case "leastconn" -> a.putObject("least-connections");
            case "random" -> a.putObject("random");
            case "source" -> a.putObject(consistent ? "ring-hash" : "source-ip-hash");
            default -> {
                if (algo.startsWith("random(")) {
                    String draws = algo.substring(7, algo.length() - 1);
                    a.putObject(draws.equals("2") ? "power-of-two" : "random");
                    if (!draws.equals("2") && !draws.equals("1")) {
                        warnings.approximated(d, "Fulcrum draws one (random) or two (power-of-two) backends");
                    }
                } else if (algo.startsWith("hdr(") && algo.endsWith(")")) {
                    ObjectNode key = a.putObject(consistent ? "ring-hash" : "maglev").putObject("hashKey");
                    key.put("source", "header");
                    key.put("name", algo.substring(4, algo.length() - 1));
                    if (!consistent) {
                        warnings.approximated(d, "a header hash is consistent (maglev) in Fulcrum");
                    }
                } else if (algo.startsWith("rdp-cookie")) {
                    warnings.notConverted(d, "RDP cookies are not read; the pool balances round robin");
                    return null;
                } else {
                    warnings.notConverted(d, "Fulcrum hashes the client address, a header or a cookie, not "
                            + algo + "; the pool balances round robin (smooth-weighted-round-robin)");
                    a.putObject("smooth-weighted-round-robin");
                }
            }
        }
        if (d.args().size() > 1 && !algo.startsWith("hdr(")) {
            warnings.partNotConverted(d, String.join(" ", d.args().subList(1, d.args().size())), "no Fulcrum setting");
        }
        return a;
    }

    /** What the servers say about checks, for the pool's one check. */
    private static final class ServerChecks {
        List<String> first;
        Directive firstAt;
        Directive unchecked;
        Integer port;
    }

    private void server(HaproxyProxy b, Directive s, ArrayNode backends, ObjectNode pool, ServerChecks checks) {
        if (s.args().size() < 2) {
            warnings.notConverted(s, "a server needs a name and an address");
            return;
        }
        String address = s.arg(1);
        SourceAddress a = address.contains("@") || address.startsWith("/") ? null : SourceAddress.parse(address);
        if (a == null || a.host().isEmpty()) {
            warnings.notConverted(s, "the address " + address + " is not host:port");
            return;
        }
        if (a.port() < 0) {
            warnings.notConverted(s, "no port: HAProxy then uses the port the client connected to, Fulcrum needs one");
            return;
        }
        ObjectNode be = backends.addObject();
        be.put("name", s.arg(0));
        be.put("address", a.fulcrum());
        List<String> params = new ArrayList<>(b.defaultServer);
        params.addAll(s.args().subList(2, s.args().size()));
        boolean checked = false;
        List<String> checkParams = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            String value = i + 1 < params.size() ? params.get(i + 1) : null;
            switch (p) {
                case "check" -> checked = true;
                case "no-check" -> checked = false;
                case "backup" -> be.put("state", "backup");
                case "disabled" -> be.put("state", "disabled");
                case "enabled" -> be.remove("state");
                case "weight" -> {
                    i++;
                    if (value != null && value.matches("\\d{1,3}") && Integer.parseInt(value) <= 256) {
                        be.put("weight", Integer.parseInt(value));
                    } else {
                        warnings.partNotConverted(s, "weight " + value, "not a weight 0..256");
                    }
                }
                case "maxconn" -> {
                    i++;
                    if (value != null && value.matches("\\d{1,9}")) {
                        be.put("maxConnections", Integer.parseInt(value));
                    } else {
                        warnings.partNotConverted(s, "maxconn " + value, "not a number");
                    }
                }
                case "inter", "rise", "fall" -> {
                    i++;
                    checkParams.add(p);
                    checkParams.add(value);
                }
                case "port" -> {
                    i++;
                    if (value != null && value.matches("\\d{1,5}")) {
                        checks.port = Integer.parseInt(value);
                    }
                }
                case "send-proxy" -> pool.put("proxyProtocol", "v1");
                case "send-proxy-v2" -> pool.put("proxyProtocol", "v2");
                case "ssl" -> tls(pool);
                case "verify" -> {
                    i++;
                    if ("none".equals(value)) {
                        tls(pool).put("verify", false);
                    }
                }
                case "ca-file" -> {
                    i++;
                    tls(pool).put("caFile", value == null || value.startsWith("/") || caBase == null
                            ? value : caBase + "/" + value);
                }
                case "slowstart" -> {
                    i++;
                    long ms = value == null ? -1 : Durations.haproxyMillis(value);
                    if (ms >= 0) {
                        pool.with("health").put("slowStart", Durations.format(ms));
                    }
                }
                case "cookie" -> {
                    i++; // the value HAProxy puts in its cookie: Fulcrum picks its own session ids
                    if (b.cookie == null) {
                        warnings.partNotConverted(s, "cookie " + value, "the backend has no cookie directive");
                    }
                }
                default -> {
                    boolean takesValue = value != null && !value.isEmpty() && !isFlag(value) && SERVER_VALUE_PARAMS.contains(p);
                    warnings.partNotConverted(s, takesValue ? p + " " + value : p, "no Fulcrum equivalent");
                    if (takesValue) {
                        i++;
                    }
                }
            }
        }
        if (checked) {
            if (checks.first == null) {
                checks.first = checkParams;
                checks.firstAt = s;
            } else if (!checks.first.equals(checkParams)) {
                warnings.approximated(s, "Fulcrum has one check per pool; this server's inter/rise/fall "
                        + "differ from the first checked server's, which the pool uses");
            }
        } else if (checks.unchecked == null) {
            checks.unchecked = s;
        }
    }

    /** Server parameters that take a value (so the value is not read as the next parameter). */
    private static final Set<String> SERVER_VALUE_PARAMS = Set.of("id", "resolvers",
            "init-addr", "agent-port", "agent-inter", "agent-send", "addr", "fastinter", "downinter", "on-error",
            "on-marked-down", "on-marked-up", "error-limit", "observe", "sni", "crt", "alpn", "check-alpn",
            "proto", "track", "ssl-min-ver", "ssl-max-ver", "ciphers", "ciphersuites", "pool-max-conn",
            "pool-purge-delay", "max-reuse", "maxqueue", "minconn", "source", "redir", "resolve-prefer",
            "resolve-net", "check-sni", "namespace", "tfo", "ws", "usesrc", "log-proto");

    private static boolean isFlag(String v) {
        return v.equals("check") || v.equals("backup") || v.equals("ssl");
    }

    private static ObjectNode tls(ObjectNode pool) {
        return pool.with("tls");
    }

    /** The pool's one active check from option httpchk, http-check expect and the servers' parameters. */
    private ObjectNode check(HaproxyProxy b, ServerChecks servers) {
        ObjectNode check = ConfigDraft.object();
        if (b.httpchk != null) {
            ObjectNode http = check.putObject("type").putObject("http");
            httpCheck(b, http);
        } else {
            check.put("type", "tcp");
        }
        List<String> p = servers.first;
        for (int i = 0; i + 1 < p.size(); i += 2) {
            String value = p.get(i + 1);
            switch (p.get(i)) {
                case "inter" -> {
                    long ms = value == null ? -1 : Durations.haproxyMillis(value);
                    if (ms > 0) {
                        check.put("interval", Durations.format(ms));
                    } else {
                        warnings.partNotConverted(servers.firstAt, "inter " + value, "not a time");
                    }
                }
                case "rise", "fall" -> {
                    if (value != null && value.matches("[1-9]\\d{0,5}")) {
                        check.put(p.get(i), Integer.parseInt(value));
                    } else {
                        warnings.partNotConverted(servers.firstAt, p.get(i) + " " + value, "not a count >= 1");
                    }
                }
                default -> {
                }
            }
        }
        if (b.timeout("check") != null && b.timeout("check") > 0) {
            check.put("timeout", Durations.format(b.timeout("check")));
        }
        if (servers.port != null) {
            check.put("port", servers.port);
        }
        return check;
    }

    /** {@code option httpchk [METHOD] [URI] [VERSION]}, {@code http-check send} and {@code http-check expect}. */
    private void httpCheck(HaproxyProxy b, ObjectNode http) {
        List<String> a = b.httpchk.args().subList(1, b.httpchk.args().size());
        String uri = a.size() == 1 ? a.getFirst() : a.size() >= 2 ? a.get(1) : null;
        if (a.size() >= 3) {
            String version = a.get(2);
            int host = version.toLowerCase(Locale.ROOT).indexOf("host:");
            if (host >= 0) {
                http.put("host", version.substring(host + 5).strip());
            }
        }
        if (a.size() >= 2 && !a.getFirst().equals("GET")) {
            warnings.approximated(b.httpchk, "Fulcrum's http check sends GET, not " + a.getFirst());
        }
        for (Directive c : b.httpChecks) {
            List<String> w = c.args();
            if (w.size() >= 3 && w.getFirst().equals("expect") && !w.get(1).startsWith("!")) {
                switch (w.get(1)) {
                    case "status" -> http.put("expectStatus", w.get(2));
                    case "string" -> http.put("expectBody", w.get(2));
                    default -> warnings.notConverted(c, "Fulcrum expects a status list or a text in the body");
                }
            } else if (w.size() >= 2 && w.getFirst().equals("send")) {
                for (int i = 1; i + 1 < w.size(); i += 2) {
                    switch (w.get(i)) {
                        case "uri" -> uri = w.get(i + 1);
                        case "meth" -> {
                            if (!w.get(i + 1).equals("GET")) {
                                warnings.approximated(c, "Fulcrum's http check sends GET");
                            }
                        }
                        case "hdr" -> {
                            if (w.get(i + 1).equalsIgnoreCase("host") && i + 2 < w.size()) {
                                http.put("host", w.get(i + 2));
                            } else {
                                warnings.partNotConverted(c, "hdr " + w.get(i + 1), "the check sends only Host");
                            }
                            i++;
                        }
                        default -> warnings.partNotConverted(c, w.get(i), "no Fulcrum check setting");
                    }
                }
            } else {
                warnings.notConverted(c, "no Fulcrum check setting");
            }
        }
        if (uri != null) {
            http.put("path", uri.startsWith("/") ? uri : "/" + uri);
        }
    }
}
