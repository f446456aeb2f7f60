package io.fulcrum.app.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import reads from one HAProxy proxy section ({@code frontend}, {@code backend},
 * {@code listen}, or the {@code defaults} the next ones inherit): the directives Fulcrum has an
 * equivalent for, each kept with its place so the mapper can warn about the parts it cannot take.
 */
final class HaproxyProxy {

    final String kind;
    final String name;
    final Directive section;

    // Inherited from defaults.
    String mode = "http";
    final Map<String, Long> timeouts = new LinkedHashMap<>();
    Directive balance;
    Directive hashType;
    Directive httpchk;
    final List<Directive> httpChecks = new ArrayList<>();
    Integer retries;
    Directive cookie;
    Integer maxconn;
    String defaultBackend;
    Directive defaultBackendAt;
    final List<String> defaultServer = new ArrayList<>();
    Directive defaultServerAt;

    // The section's own.
    Directive stickTable;
    Directive stickOn;
    final List<Directive> useBackends = new ArrayList<>();
    final Map<String, List<Directive>> acls = new LinkedHashMap<>();
    final List<Directive> binds = new ArrayList<>();
    final List<Directive> servers = new ArrayList<>();

    HaproxyProxy(String kind, String name, Directive section) {
        this.kind = kind;
        this.name = name;
        this.section = section;
    }

    /** A new proxy section that starts from the settings of {@code defaults} (null: HAProxy's own). */
    static HaproxyProxy inheriting(HaproxyProxy defaults, String kind, String name, Directive section) {
        HaproxyProxy p = new HaproxyProxy(kind, name, section);
        if (defaults != null) {
            p.mode = defaults.mode;
            p.timeouts.putAll(defaults.timeouts);
            p.balance = defaults.balance;
            p.hashType = defaults.hashType;
            p.httpchk = defaults.httpchk;
            p.httpChecks.addAll(defaults.httpChecks);
            p.retries = defaults.retries;
            p.cookie = defaults.cookie;
            p.maxconn = defaults.maxconn;
            p.defaultBackend = defaults.defaultBackend;
            p.defaultBackendAt = defaults.defaultBackendAt;
            p.defaultServer.addAll(defaults.defaultServer);
            p.defaultServerAt = defaults.defaultServerAt;
        }
        return p;
    }

    /** Whether it accepts connections ({@code frontend}, {@code listen}). */
    boolean isFrontend() {
        return kind.equals("frontend") || kind.equals("listen");
    }

    /** Whether it has servers ({@code backend}, {@code listen}). */
    boolean isBackend() {
        return kind.equals("backend") || kind.equals("listen");
    }

    /** A timeout in milliseconds, or null when neither this section nor its defaults set it. */
    Long timeout(String which) {
        return timeouts.get(which);
    }
}
