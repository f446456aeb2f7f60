package io.fulcrum.app.imports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads HAProxy sections ({@link HaproxyParser}) into an {@link HaproxyConfig}: keeps the
 * directives that have a Fulcrum equivalent and warns about every other one, once, at its line.
 */
final class HaproxyReader {

    /** Timeouts the mapper converts. */
    private static final Set<String> TIMEOUTS = Set.of("client", "server", "connect", "http-request",
            "http-keep-alive", "queue", "tunnel", "check", "client-fin");
    /** Directives whose effect is Fulcrum's default behaviour, so there is nothing to write. */
    private static final Map<String, String> DEFAULT_BEHAVIOUR = Map.of(
            "option forwardfor", "Fulcrum adds X-Forwarded-For by default (listeners[].forwarded.xForwarded)",
            "option redispatch", "Fulcrum retries another backend after a failed connect by default (pools[].retries)",
            "option http-keep-alive", "Fulcrum keeps client and backend connections alive by default",
            "option tcp-check", "a plain connect is Fulcrum's default check type (tcp)");

    private final ImportWarnings warnings;
    private final Map<String, HaproxyProxy> namedDefaults = new HashMap<>();
    private Integer nbthread;
    private boolean daemon;
    private String crtBase;
    private String caBase;

    HaproxyReader(ImportWarnings warnings) {
        this.warnings = warnings;
    }

    HaproxyConfig read(List<Directive> sections) throws ImportException {
        List<HaproxyProxy> proxies = new ArrayList<>();
        HaproxyProxy defaults = null;
        for (Directive s : sections) {
            switch (s.name()) {
                case "global" -> readGlobal(s);
                case "defaults" -> {
                    HaproxyProxy from = inheritedFrom(s, null);
                    defaults = HaproxyProxy.inheriting(from, "defaults", s.arg(0), s);
                    readProxy(defaults, s);
                    if (s.arg(0) != null && !s.arg(0).equals("from")) {
                        namedDefaults.put(s.arg(0), defaults);
                    }
                }
                case "frontend", "backend", "listen" -> {
                    HaproxyProxy p = HaproxyProxy.inheriting(inheritedFrom(s, defaults), s.name(), s.arg(0), s);
                    readProxy(p, s);
                    if (p.isBackend() && proxies.stream().anyMatch(o -> o.isBackend() && o.name.equals(p.name))) {
                        throw new ImportException(s.at(), "a second section with servers named \"" + p.name + "\"");
                    }
                    proxies.add(p);
                }
                default -> warnings.notConverted(s, "the " + s.name()
                        + " section has no Fulcrum equivalent; its " + s.block().size() + " lines are left out");
            }
        }
        return new HaproxyConfig(nbthread, daemon, crtBase, caBase, proxies);
    }

    /** The defaults a section starts from: those it names with {@code from NAME}, else the last ones. */
    private HaproxyProxy inheritedFrom(Directive s, HaproxyProxy last) throws ImportException {
        int at = s.words().indexOf("from");
        if (at < 0) {
            return last;
        }
        String name = at + 1 < s.words().size() ? s.words().get(at + 1) : null;
        HaproxyProxy named = name == null ? null : namedDefaults.get(name);
        if (named == null) {
            throw new ImportException(s.at(), "\"from\" names no defaults section defined before it (\"" + name + "\")");
        }
        return named;
    }

    private void readGlobal(Directive section) {
        for (Directive d : section.block()) {
            switch (d.name()) {
                case "nbthread" -> {
                    Integer n = integer(d, 0);
                    if (n != null) {
                        nbthread = n;
                    }
                }
                case "daemon" -> daemon = true;
                case "crt-base" -> crtBase = d.arg(0);
                case "ca-base" -> caBase = d.arg(0);
                case "maxconn" -> warnings.notConverted(d,
                        "Fulcrum has no process-wide connection limit; each frontend's maxconn is converted");
                case "pidfile" -> warnings.notConverted(d, "use fulcrum run --pid-file FILE");
                case "log" -> warnings.notConverted(d, "Fulcrum writes its own access log (accessLog: path)");
                case "user", "group", "uid", "gid", "chroot" -> warnings.notConverted(d,
                        "run Fulcrum as the user you want (a systemd unit's User=, for instance)");
                default -> warnings.notConverted(d, "no Fulcrum equivalent");
            }
        }
    }

    private void readProxy(HaproxyProxy p, Directive section) {
        boolean isDefaults = p.kind.equals("defaults");
        for (Directive d : section.block()) {
            String option = d.name().equals("option") || d.name().equals("no") ? d.name() + " " + d.arg(0) : null;
            if (option != null && DEFAULT_BEHAVIOUR.containsKey(option)) {
                continue; // converted: Fulcrum behaves so without a setting
            }
            switch (d.name()) {
                case "mode" -> {
                    if ("http".equals(d.arg(0)) || "tcp".equals(d.arg(0))) {
                        p.mode = d.arg(0);
                    } else {
                        warnings.notConverted(d, "only modes http and tcp have a Fulcrum equivalent");
                    }
                }
                case "timeout" -> readTimeout(p, d, d.arg(0), d.arg(1));
                case "contimeout" -> readTimeout(p, d, "connect", d.arg(0));
                case "clitimeout" -> readTimeout(p, d, "client", d.arg(0));
                case "srvtimeout" -> readTimeout(p, d, "server", d.arg(0));
                case "balance" -> p.balance = d;
                case "hash-type" -> p.hashType = d;
                case "retries" -> p.retries = integer(d, 0);
                case "cookie" -> p.cookie = d;
                case "maxconn" -> p.maxconn = integer(d, 0);
                case "default_backend" -> {
                    p.defaultBackend = d.arg(0);
                    p.defaultBackendAt = d;
                }
                case "default-server" -> {
                    p.defaultServer.addAll(d.args());
                    p.defaultServerAt = d;
                }
                case "http-check" -> p.httpChecks.add(d);
                case "http-reuse" -> warnings.approximated(d,
                        "Fulcrum reuses idle backend connections on its own (pools[].keepAlive)");
                case "option" -> {
                    if ("httpchk".equals(d.arg(0))) {
                        p.httpchk = d;
                    } else {
                        warnings.notConverted(d, "no Fulcrum equivalent of option " + d.arg(0));
                    }
                }
                default -> {
                    if (isDefaults) {
                        warnings.notConverted(d, "no Fulcrum equivalent in defaults");
                    } else {
                        readOwn(p, d);
                    }
                }
            }
        }
    }

    /** The directives that belong to one frontend or backend, never to defaults. */
    private void readOwn(HaproxyProxy p, Directive d) {
        switch (d.name()) {
            case "bind" -> p.binds.add(d);
            case "server" -> p.servers.add(d);
            case "acl" -> {
                if (d.args().size() < 2) {
                    warnings.notConverted(d, "an acl needs a name and a criterion");
                } else {
                    p.acls.computeIfAbsent(d.arg(0), k -> new ArrayList<>()).add(d);
                }
            }
            case "use_backend" -> p.useBackends.add(d);
            case "stick-table" -> p.stickTable = d;
            case "stick" -> p.stickOn = d;
            default -> warnings.notConverted(d, "no Fulcrum equivalent");
        }
    }

    private void readTimeout(HaproxyProxy p, Directive d, String which, String value) {
        if (which == null || value == null) {
            warnings.notConverted(d, "a timeout needs a name and a time");
            return;
        }
        long millis = Durations.haproxyMillis(value);
        if (millis < 0) {
            warnings.notConverted(d, "\"" + value + "\" is not a time");
        } else if (!TIMEOUTS.contains(which)) {
            warnings.notConverted(d, "Fulcrum has no timeout like timeout " + which);
        } else {
            p.timeouts.put(which, millis);
        }
    }

    private Integer integer(Directive d, int index) {
        String v = d.arg(index);
        if (v != null && v.matches("\\d{1,9}")) {
            return Integer.parseInt(v);
        }
        warnings.notConverted(d, "expected a number");
        return null;
    }
}
