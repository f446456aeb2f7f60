package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.dns.NodeConfig;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The rules of the top-level {@code sites:} list, which {@code gslb:} and {@code dns:} both
 * read: unique names, places, VIPs and lower-tier nodes. The sections that refer to a site
 * by name check those references against {@link #names(FulcrumConfig)}; what only one
 * reader needs (DNS answers need IP-literal VIPs) is checked by that reader's validator.
 */
final class SitesValidator {

    static final Set<String> REGIONS = Set.of("AFRINIC", "APNIC", "ARIN", "LACNIC", "RIPE");

    private final BiConsumer<String, String> error;

    private SitesValidator(BiConsumer<String, String> error) {
        this.error = error;
    }

    /** Reports every problem of {@code config.sites()} through {@code error(path, message)}. */
    static void check(FulcrumConfig config, BiConsumer<String, String> error) {
        new SitesValidator(error).run(config);
    }

    /** The names of the configured sites, for the sections that refer to them. */
    static Set<String> names(FulcrumConfig config) {
        Set<String> names = new HashSet<>();
        for (SiteConfig s : config.sites()) {
            if (s.name() != null && !s.name().isBlank()) {
                names.add(s.name());
            }
        }
        return names;
    }

    private void run(FulcrumConfig config) {
        Set<String> listeners = new HashSet<>();
        for (ListenerConfig l : config.listeners()) {
            listeners.add(l.name());
        }
        Map<String, String> sitePaths = new HashMap<>();
        for (int i = 0; i < config.sites().size(); i++) {
            String sp = SourceMap.index("sites", i);
            SiteConfig s = config.sites().get(i);
            String np = SourceMap.field(sp, "name");
            if (s.name() == null || s.name().isBlank()) {
                error.accept(np, "required: every site needs a name");
            } else if (sitePaths.putIfAbsent(s.name(), np) != null) {
                error.accept(np, "duplicate site name \"" + s.name() + "\" (also at " + sitePaths.get(s.name()) + ")");
            }
            boolean own = config.gslb().enabled() && config.gslb().site().equals(s.name());
            checkSite(s, sp, own, listeners, config.cluster().enabled());
        }
    }

    private void checkSite(SiteConfig s, String sp, boolean own, Set<String> listeners, boolean clustered) {
        if (!s.region().isEmpty() && !REGIONS.contains(s.region().toUpperCase(Locale.ROOT))) {
            error.accept(SourceMap.field(sp, "region"), "must be one of AFRINIC, APNIC, ARIN, LACNIC, RIPE (got \""
                    + s.region() + "\")");
        }
        for (int k = 0; k < s.countries().size(); k++) {
            String c = s.countries().get(k);
            if (c == null || !c.matches("[A-Za-z]{2}")) {
                error.accept(SourceMap.index(SourceMap.field(sp, "countries"), k),
                        "a two-letter ISO 3166 country code (got \"" + c + "\")");
            }
        }
        if (s.location() != null && !validLocation(s.location())) {
            error.accept(SourceMap.field(sp, "location"), "write \"latitude,longitude\" in degrees, e.g. "
                    + "\"50.11,8.68\" (got \"" + s.location() + "\")");
        }
        if (s.weight() < 0 || s.weight() > 1_000_000) {
            error.accept(SourceMap.field(sp, "weight"), "must be between 0 and 1000000 (got " + s.weight() + ")");
        }
        if (s.vips().isEmpty() && s.nodes().isEmpty() && !s.memberVips()) {
            error.accept(SourceMap.field(sp, "vips"), "at least one VIP is required (or, for an upper-tier DNS"
                    + " record's site, lower-tier nodes; or memberVips: true in a cluster)");
        }
        if (s.memberVips() && !clustered) {
            error.accept(SourceMap.field(sp, "memberVips"), "needs a cluster section: the addresses are those of"
                    + " the cluster's live proxy members");
        }
        if (s.redirectTo() != null && !validUrl(s.redirectTo())) {
            error.accept(SourceMap.field(sp, "redirectTo"), "must be an absolute http:// or https:// URL (got \""
                    + s.redirectTo() + "\")");
        }
        for (int i = 0; i < s.vips().size(); i++) {
            String vp = SourceMap.index(SourceMap.field(sp, "vips"), i);
            VipConfig v = s.vips().get(i);
            if (v.address() == null) {
                error.accept(SourceMap.field(vp, "address"), "required: the VIP's address (host or host:port)");
            }
            // The same check types and rules as a pool's checks: one check engine for both.
            HealthConfigValidator.checkCheck(v.check(), SourceMap.field(vp, "check"), error);
            if (v.maxConnections() < 0) {
                error.accept(SourceMap.field(vp, "maxConnections"), "must be >= 0 (got " + v.maxConnections() + ")");
            }
            if (v.listener() != null && own && !listeners.contains(v.listener())) {
                error.accept(SourceMap.field(vp, "listener"), "no listener named \"" + v.listener() + "\""
                        + Suggestions.didYouMean(v.listener(), listeners));
            }
        }
        for (int k = 0; k < s.nodes().size(); k++) {
            NodeConfig n = s.nodes().get(k);
            String np = SourceMap.index(SourceMap.field(sp, "nodes"), k);
            DnsConfigValidator.dnsName(SourceMap.field(np, "name"), n.name(), error);
            if (!DnsConfigValidator.ip(n.address(), 0)) {
                error.accept(SourceMap.field(np, "address"), "not an IP address: \"" + n.address() + "\"");
            }
        }
    }

    static boolean validLocation(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            return false;
        }
        try {
            double lat = Double.parseDouble(parts[0].strip());
            double lon = Double.parseDouble(parts[1].strip());
            return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean validUrl(String text) {
        try {
            URI u = new URI(text);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
