package io.fulcrum.app.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * Writes NGINX {@code upstream} blocks (of {@code http} or {@code stream}) as Fulcrum pools: their
 * servers with {@code weight}, {@code max_conns}, {@code backup}, {@code down}; {@code max_fails}
 * and {@code fail_timeout} as passive health; the balancing directive ({@code least_conn},
 * {@code ip_hash}, {@code hash}, {@code random}) as the algorithm; {@code keepalive} as the pool's
 * idle connections.
 */
final class NginxUpstreams {

    private final ImportWarnings warnings;

    NginxUpstreams(ImportWarnings warnings) {
        this.warnings = warnings;
    }

    void write(Directive upstream, ObjectNode pool) {
        // NGINX's default is smooth weighted round robin: the algorithm Fulcrum has under that name.
        pool.put("algorithm", "smooth-weighted-round-robin");
        ArrayNode backends = pool.putArray("backends");
        String failures = null;
        for (Directive d : upstream.block()) {
            switch (d.name()) {
                case "server" -> {
                    String f = server(d, backends);
                    if (f != null) {
                        if (failures != null && !failures.equals(f)) {
                            warnings.approximated(d, "Fulcrum has one passive-health setting per pool; the first "
                                    + "server's max_fails/fail_timeout is used");
                        } else if (failures == null) {
                            failures = f;
                            passiveHealth(d, pool);
                        }
                    }
                }
                case "least_conn" -> pool.put("algorithm", "least-connections");
                case "ip_hash" -> {
                    pool.put("algorithm", "source-ip-hash");
                    warnings.approximated(d, "NGINX hashes the first three octets of an IPv4 address, Fulcrum the whole address");
                }
                case "hash" -> hash(d, pool);
                case "random" -> pool.put("algorithm", d.args().contains("two") ? "power-of-two" : "random");
                case "keepalive" -> {
                    if (d.arg(0) != null && d.arg(0).matches("\\d{1,9}")) {
                        pool.with("keepAlive").put("maxIdlePerBackend", Integer.parseInt(d.arg(0)));
                    } else {
                        warnings.notConverted(d, "expected a number");
                    }
                }
                case "keepalive_timeout" -> {
                    long ms = d.arg(0) == null ? -1 : Durations.nginxMillis(d.arg(0));
                    if (ms >= 0) {
                        pool.with("keepAlive").put("idleTimeout", Durations.format(ms));
                    } else {
                        warnings.notConverted(d, "expected a time");
                    }
                }
                case "zone" -> warnings.notConverted(d, "Fulcrum needs no shared memory zone (one process)");
                default -> warnings.notConverted(d, "no Fulcrum equivalent in a pool");
            }
        }
        if (backends.isEmpty()) {
            warnings.notConverted(upstream, "no server could be converted; the pool is left out");
        }
    }

    /** One {@code server} line as a backend; its max_fails/fail_timeout text, or null when it has neither. */
    private String server(Directive d, ArrayNode backends) {
        String address = d.arg(0);
        SourceAddress a = address == null || address.startsWith("unix:") ? null : SourceAddress.parse(address);
        if (a == null || a.host().isEmpty()) {
            warnings.notConverted(d, "not a host[:port] address (UNIX sockets are not supported)");
            return null;
        }
        ObjectNode be = backends.addObject();
        be.put("address", a.withDefaultPort(80).fulcrum());
        String maxFails = null;
        String failTimeout = null;
        for (String p : d.args().subList(1, d.args().size())) {
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? null : p.substring(eq + 1);
            switch (key) {
                case "weight" -> {
                    if (value != null && value.matches("\\d{1,3}") && Integer.parseInt(value) <= 256) {
                        be.put("weight", Integer.parseInt(value));
                    } else {
                        warnings.partNotConverted(d, p, "not a weight 0..256");
                    }
                }
                case "max_conns" -> {
                    if (value != null && value.matches("\\d{1,9}")) {
                        be.put("maxConnections", Integer.parseInt(value));
                    } else {
                        warnings.partNotConverted(d, p, "not a number");
                    }
                }
                case "backup" -> be.put("state", "backup");
                case "down" -> be.put("state", "disabled");
                case "max_fails" -> maxFails = value;
                case "fail_timeout" -> failTimeout = value;
                default -> warnings.partNotConverted(d, p, "no Fulcrum equivalent");
            }
        }
        return maxFails == null && failTimeout == null ? null : maxFails + "/" + failTimeout;
    }

    /** {@code max_fails=N fail_timeout=T}: N failures eject the server for T. */
    private void passiveHealth(Directive d, ObjectNode pool) {
        ObjectNode ph = pool.putObject("passiveHealth");
        for (String p : d.args()) {
            if (p.startsWith("max_fails=")) {
                String n = p.substring(10);
                if (n.equals("0")) {
                    ph.removeAll();
                    ph.put("enabled", false);
                    return;
                } else if (n.matches("\\d{1,6}")) {
                    ph.put("consecutiveFailures", Integer.parseInt(n));
                }
            } else if (p.startsWith("fail_timeout=")) {
                long ms = Durations.nginxMillis(p.substring(13));
                if (ms > 0) {
                    ph.put("ejectTime", Durations.format(ms));
                    if (ms > 300_000) {
                        ph.put("maxEjectTime", Durations.format(ms));
                    }
                }
            }
        }
        warnings.approximated(d, "NGINX counts max_fails within fail_timeout; Fulcrum ejects after that many "
                + "failures in a row, for fail_timeout, doubling on repeats");
    }

    private void hash(Directive d, ObjectNode pool) {
        String key = d.arg(0) == null ? "" : d.arg(0);
        boolean consistent = d.args().contains("consistent");
        if (key.equals("$remote_addr") || key.equals("$binary_remote_addr")) {
            pool.put("algorithm", consistent ? "ring-hash" : "source-ip-hash");
            return;
        }
        String source = key.startsWith("$http_") ? "header" : key.startsWith("$cookie_") ? "cookie" : null;
        if (source == null) {
            warnings.notConverted(d, "Fulcrum hashes the client address, a header or a cookie, not " + key
                    + "; the pool balances round robin");
            return;
        }
        String name = key.substring(source.equals("header") ? 6 : 8);
        ObjectNode hashKey = ConfigDraft.object();
        hashKey.put("source", source);
        hashKey.put("name", source.equals("header") ? name.replace('_', '-').toLowerCase(Locale.ROOT) : name);
        ObjectNode algorithm = ConfigDraft.object();
        algorithm.putObject(consistent ? "ring-hash" : "maglev").set("hashKey", hashKey);
        pool.set("algorithm", algorithm);
        if (!consistent) {
            warnings.approximated(d, "the hash is consistent (maglev) in Fulcrum");
        }
    }
}
