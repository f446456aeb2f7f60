package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.dns.BuiltInPolicySteps;
import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.core.config.dns.GslbRecordConfig;
import io.fulcrum.core.config.dns.PolicyStep;
import io.fulcrum.core.config.dns.RecordConfig;
import io.fulcrum.core.config.dns.ZoneConfig;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.core.extension.ExtensionConfig;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The semantic rules of the {@code dns:} section (names, record values, policy chains, the
 * sites its GSLB records name from the top-level {@code sites:} list). Record text that only a DNS parser can judge fully (TXT quoting, zone files) is
 * checked again when the DNS service compiles its zones; that error refuses the reload too.
 */
final class DnsConfigValidator {

    static final Set<String> RECORD_TYPES = Set.of("NS", "A", "AAAA", "CNAME", "TXT", "MX", "SRV", "PTR");
    static final Set<String> TIERS = Set.of("lower", "upper");
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9_*](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final long MAX_TTL = Integer.MAX_VALUE;
    /** The longest start-up a warm-up may add. */
    private static final Duration MAX_WARM_UP = Duration.ofSeconds(60);

    private final BiConsumer<String, String> error;
    private final BiConsumer<String, String> warn;
    private final FulcrumConfig config;

    private DnsConfigValidator(FulcrumConfig config, BiConsumer<String, String> error,
                               BiConsumer<String, String> warn) {
        this.config = config;
        this.error = error;
        this.warn = warn;
    }

    /** Checks {@code dns:}, reporting each problem with its field path. */
    static void check(FulcrumConfig config, BiConsumer<String, String> error, BiConsumer<String, String> warn) {
        new DnsConfigValidator(config, error, warn).run(config.dns(), config.listeners());
    }

    private void run(DnsConfig d, List<ListenerConfig> listeners) {
        String p = "dns";
        Set<String> proxyBinds = new HashSet<>();
        for (ListenerConfig l : listeners) {
            if (l.bind() != null) {
                proxyBinds.add(l.bind().hostKey() + ":" + l.bind().port());
            }
        }
        for (int i = 0; i < d.listen().size(); i++) {
            String lp = SourceMap.index(SourceMap.field(p, "listen"), i);
            HostPort hp = d.listen().get(i);
            if (proxyBinds.contains(hp.hostKey() + ":" + hp.port())) {
                error.accept(lp, "address " + d.listen().get(i) + " is also a proxy listener's (DNS binds TCP too)");
            }
        }
        range(SourceMap.field(p, "threads"), d.threads(), 1, ConfigValidator.MAX_EVENT_LOOP_THREADS);
        range(SourceMap.field(p, "udpPayloadSize"), d.udpPayloadSize(), 512, 4096);
        range(SourceMap.field(p, "stickyEntries"), d.stickyEntries(), 1, 10_000_000);
        if (d.warmUp().isNegative() || d.warmUp().compareTo(MAX_WARM_UP) > 0) {
            error.accept(SourceMap.field(p, "warmUp"), "must be between 0s and " + MAX_WARM_UP.toSeconds()
                    + "s (got " + d.warmUp() + ")");
        }
        if (d.geoDatabase() != null) {
            readable(SourceMap.field(p, "geoDatabase"), d.geoDatabase());
        }
        if (d.enabled() && d.zones().isEmpty()) {
            error.accept(SourceMap.field(p, "zones"), "at least one zone is required when dns.listen is set");
        }
        List<String> apexes = new ArrayList<>();
        Map<String, String> zonePaths = new HashMap<>();
        for (int i = 0; i < d.zones().size(); i++) {
            String zp = SourceMap.index(SourceMap.field(p, "zones"), i);
            ZoneConfig z = d.zones().get(i);
            String apex = dnsName(SourceMap.field(zp, "name"), z.name(), true);
            if (apex != null) {
                if (zonePaths.containsKey(apex)) {
                    error.accept(SourceMap.field(zp, "name"), "duplicate zone \"" + z.name() + "\" (also at "
                            + zonePaths.get(apex) + ")");
                } else {
                    zonePaths.put(apex, SourceMap.field(zp, "name"));
                    apexes.add(apex);
                }
            }
            if (z.file() != null) {
                readable(SourceMap.field(zp, "file"), z.file());
            }
            ttl(SourceMap.field(zp, "ttl"), z.ttl());
            for (int j = 0; j < z.records().size(); j++) {
                RecordConfig r = z.records().get(j);
                String rp = SourceMap.index(SourceMap.field(zp, "records"), j);
                checkRecord(r, rp);
                String owner = r.name() == null ? "" : r.name().toLowerCase(Locale.ROOT);
                if (apex != null && owner.endsWith(".") && !owner.equals(apex + ".") && !owner.endsWith("." + apex + ".")) {
                    error.accept(SourceMap.field(rp, "name"), "\"" + r.name() + "\" is outside zone " + apex
                            + " (a name ending in a dot is absolute; write it relative, like www)");
                }
            }
        }
        Set<String> gslbNames = new HashSet<>();
        for (int i = 0; i < d.gslb().size(); i++) {
            String gp = SourceMap.index(SourceMap.field(p, "gslb"), i);
            GslbRecordConfig g = d.gslb().get(i);
            String name = dnsName(SourceMap.field(gp, "name"), g.name(), true);
            if (name != null) {
                if (!gslbNames.add(name)) {
                    error.accept(SourceMap.field(gp, "name"), "duplicate GSLB name \"" + g.name() + "\"");
                }
                if (apexes.stream().noneMatch(a -> name.equals(a) || name.endsWith("." + a))) {
                    error.accept(SourceMap.field(gp, "name"), "\"" + g.name() + "\" is not inside any of dns.zones ("
                            + String.join(", ", apexes) + ")");
                }
            }
            checkGslb(g, gp, SitesValidator.names(config));
        }
    }

    private void checkRecord(RecordConfig r, String rp) {
        String tp = SourceMap.field(rp, "type");
        String type = r.type() == null ? null : r.type().toUpperCase(Locale.ROOT);
        if (type == null || !RECORD_TYPES.contains(type)) {
            error.accept(tp, "must be one of A, AAAA, CNAME, MX, NS, PTR, SRV, TXT (got \"" + r.type() + "\")"
                    + ("SOA".equals(type) ? "; give the SOA with the zone's soa field" : ""));
        }
        if (!"@".equals(r.name())) {
            dnsName(SourceMap.field(rp, "name"), r.name(), false);
        }
        if (r.ttl() != null) {
            ttl(SourceMap.field(rp, "ttl"), r.ttl());
        }
        List<String> values = r.allValues();
        if (values.isEmpty()) {
            error.accept(SourceMap.field(rp, "value"), "required: the record's value (or values)");
            return;
        }
        if (type == null) {
            return;
        }
        for (int k = 0; k < values.size(); k++) {
            String vp = r.value() != null && k == 0 ? SourceMap.field(rp, "value")
                    : SourceMap.index(SourceMap.field(rp, "values"), r.value() != null ? k - 1 : k);
            String v = values.get(k) == null ? "" : values.get(k).strip();
            String problem = switch (type) {
                case "A" -> ip(v, 4) ? null : "not an IPv4 address: \"" + v + "\"";
                case "AAAA" -> ip(v, 16) ? null : "not an IPv6 address: \"" + v + "\"";
                case "MX" -> v.matches("\\d{1,5}\\s+\\S+") ? null
                        : "an MX value is \"preference host\", e.g. \"10 mail.example.com.\" (got \"" + v + "\")";
                case "SRV" -> v.matches("\\d{1,5}\\s+\\d{1,5}\\s+\\d{1,5}\\s+\\S+") ? null
                        : "an SRV value is \"priority weight port target\", e.g. \"0 5 443 svc.example.com.\" (got \""
                        + v + "\")";
                case "NS", "CNAME", "PTR" -> v.isEmpty() || v.contains(" ") ? "a " + type + " value is one name (got \""
                        + v + "\")" : null;
                default -> v.isEmpty() ? "must not be empty" : null;
            };
            if (problem != null) {
                error.accept(vp, problem);
            }
        }
    }

    private void checkGslb(GslbRecordConfig g, String gp, Set<String> sites) {
        if (!TIERS.contains(g.tier())) {
            error.accept(SourceMap.field(gp, "tier"), "must be lower or upper (got \"" + g.tier() + "\")");
        }
        ttl(SourceMap.field(gp, "ttl"), g.ttl());
        String pp = SourceMap.field(gp, "policy");
        if (g.policy().isEmpty()) {
            error.accept(pp, "at least one policy, e.g. " + BuiltInPolicySteps.defaultChain().stream()
                    .map(ExtensionConfig::name).toList());
        }
        Set<String> seen = new HashSet<>();
        String spread = null;
        for (int k = 0; k < g.policy().size(); k++) {
            ExtensionConfig<PolicyStep<?>> step = g.policy().get(k);
            String at = SourceMap.index(pp, k);
            ExtensionChecks.check(at, step, PolicyStep.registry(), error);
            PolicyStep<?> known = PolicyStep.registry().find(step.name()).orElse(null);
            if (known == null) {
                continue;
            }
            if (!seen.add(step.name())) {
                error.accept(at, "policy \"" + step.name() + "\" is listed twice");
            } else if (known.role() == PolicyStep.Role.SPREAD) {
                if (spread != null) {
                    error.accept(pp, spread + " and " + step.name() + " both spread the first place; use one of them");
                }
                spread = step.name();
            }
        }
        List<String> used = g.sites().isEmpty() ? config.sites().stream().map(SiteConfig::name).toList() : g.sites();
        for (int k = 0; k < g.sites().size(); k++) {
            if (!sites.contains(g.sites().get(k))) {
                error.accept(SourceMap.index(SourceMap.field(gp, "sites"), k), "no site named \"" + g.sites().get(k)
                        + "\" in sites" + Suggestions.didYouMean(g.sites().get(k), sites));
            }
        }
        if (used.isEmpty()) {
            error.accept(SourceMap.field(gp, "sites"), "a GSLB record needs at least one site in the top-level"
                    + " sites: list");
        }
        answerableVips(used);
        for (int k = 0; k < g.policy().size(); k++) {
            ExtensionConfig<PolicyStep<?>> step = g.policy().get(k);
            if (step.settings() instanceof BuiltInPolicySteps.FailoverSettings f) {
                String op = SourceMap.field(SourceMap.field(SourceMap.index(pp, k), step.name()), "order");
                for (int j = 0; j < f.order().size(); j++) {
                    if (!used.contains(f.order().get(j))) {
                        error.accept(SourceMap.index(op, j), "site \"" + f.order().get(j)
                                + "\" is not one of this record's sites");
                    }
                }
            }
        }
        String ap = SourceMap.field(gp, "answers");
        range(ap, g.answers(), 1, 16);
        if ("upper".equals(g.tier())) {
            if (g.answers() < 3 || g.answers() > 5) {
                warn.accept(ap, "an upper-tier record usually names 3 to 5 lower-tier nodes (got " + g.answers() + ")");
            }
            long withNodes = used.stream().map(config::site).filter(s -> s != null && !s.nodes().isEmpty()).count();
            if (withNodes == 0) {
                error.accept(SourceMap.field(gp, "tier"), "an upper-tier record needs sites with nodes (sites[].nodes)");
            } else if (withNodes < 2) {
                warn.accept(SourceMap.field(gp, "tier"), "only one site has lower-tier nodes; two or more survive a site loss");
            }
        }
    }

    /**
     * DNS answers with a VIP's host, so every VIP of a site a GSLB record answers from
     * must be an IP literal (GSLB alone may name a VIP by host name).
     */
    private void answerableVips(List<String> used) {
        for (int i = 0; i < config.sites().size(); i++) {
            SiteConfig s = config.sites().get(i);
            if (!used.contains(s.name())) {
                continue;
            }
            for (int k = 0; k < s.vips().size(); k++) {
                VipConfig v = s.vips().get(k);
                if (v.address() != null && !ip(v.address().host(), 0)) {
                    String vp = SourceMap.field(SourceMap.index(SourceMap.field(SourceMap.index("sites", i), "vips"),
                            k), "address");
                    error.accept(vp, "DNS answers with this VIP's address, so it must be an IP address (got \""
                            + v.address().host() + "\")");
                }
            }
        }
    }

    /** The lower-case name without its final dot, or {@code null} after reporting a problem. */
    private String dnsName(String path, String name, boolean absoluteAllowedOnly) {
        return dnsName(path, name, error);
    }

    /** The lower-case name without its final dot, or {@code null} after reporting a problem through {@code error}. */
    static String dnsName(String path, String name, BiConsumer<String, String> error) {
        if (name == null || name.isBlank()) {
            error.accept(path, "required: a DNS name");
            return null;
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.length() > 253) {
            error.accept(path, "a DNS name is at most 253 characters (got " + n.length() + ")");
            return null;
        }
        for (String label : n.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                error.accept(path, "not a valid DNS name \"" + name + "\" (label \"" + label + "\")");
                return null;
            }
        }
        return n.toLowerCase(Locale.ROOT);
    }

    static boolean ip(String literal, int length) {
        if (literal == null) {
            return false;
        }
        try {
            byte[] a = InetAddress.ofLiteral(literal.strip()).getAddress();
            return length == 0 || a.length == length;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void ttl(String path, Duration d) {
        if (d != null && (d.isNegative() || d.toSeconds() > MAX_TTL)) {
            error.accept(path, "a TTL is between 0s and " + MAX_TTL + "s (got " + d + ")");
        }
    }

    private void range(String path, int value, int min, int max) {
        if (value < min || value > max) {
            error.accept(path, "must be between " + min + " and " + max + " (got " + value + ")");
        }
    }

    private void readable(String path, String file) {
        try {
            Path f = Path.of(file);
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                error.accept(path, "no readable file: " + file);
            }
        } catch (InvalidPathException e) {
            error.accept(path, "invalid path \"" + file + "\": " + e.getReason());
        }
    }
}
