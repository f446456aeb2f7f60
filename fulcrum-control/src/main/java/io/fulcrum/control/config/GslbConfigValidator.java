package io.fulcrum.control.config;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.gslb.PeerConfig;
import io.fulcrum.core.config.gslb.SiteCheckConfig;
import io.fulcrum.core.config.gslb.SiteConfig;
import io.fulcrum.core.config.gslb.VipConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The semantic rules of the {@code gslb:} section (sites, VIPs, peers, hand-off). Called by
 * {@link ConfigValidator}; every error names its field path so the loader finds the line.
 */
final class GslbConfigValidator {

    /** Shortest shared secret accepted, in characters. */
    static final int MIN_SECRET_LENGTH = 16;

    private final BiConsumer<String, String> error;

    private GslbConfigValidator(BiConsumer<String, String> error) {
        this.error = error;
    }

    /** Reports every problem of {@code config.gslb()} through {@code error(path, message)}. */
    static void check(FulcrumConfig config, BiConsumer<String, String> error) {
        GslbConfig g = config.gslb();
        if (g.enabled() || !g.sites().isEmpty() || !g.peers().isEmpty()) {
            new GslbConfigValidator(error).run(config, g, "gslb");
        }
    }

    private void run(FulcrumConfig config, GslbConfig g, String p) {
        if (!g.enabled()) {
            error.accept(SourceMap.field(p, "site"), "required: the name of this node's own site");
        }
        Map<String, String> sitePaths = new HashMap<>();
        Set<String> listeners = new HashSet<>();
        for (ListenerConfig l : config.listeners()) {
            listeners.add(l.name());
        }
        for (int i = 0; i < g.sites().size(); i++) {
            String sp = SourceMap.index(SourceMap.field(p, "sites"), i);
            SiteConfig s = g.sites().get(i);
            if (blank(s.name())) {
                error.accept(SourceMap.field(sp, "name"), "required: every site needs a name");
            } else if (sitePaths.putIfAbsent(s.name(), sp) != null) {
                error.accept(SourceMap.field(sp, "name"), "duplicate site name \"" + s.name() + "\" (also at "
                        + sitePaths.get(s.name()) + ")");
            }
            checkSite(s, sp, s.name() != null && s.name().equals(g.site()), listeners);
        }
        if (g.enabled() && !sitePaths.containsKey(g.site())) {
            error.accept(SourceMap.field(p, "site"), "no site named \"" + g.site() + "\" in gslb.sites"
                    + Suggestions.didYouMean(g.site(), sitePaths.keySet()));
        }
        if (g.enabled() && !g.site().equals(config.server().site())) {
            error.accept(SourceMap.field(p, "site"), "\"" + g.site() + "\" differs from server.site \""
                    + config.server().site() + "\": both name this node's site; leave server.site out (it then"
                    + " takes gslb.site) or write the same name in both");
        }
        if (g.peers().size() > GslbConfig.MAX_PEERS) {
            error.accept(SourceMap.field(p, "peers"), "at most " + GslbConfig.MAX_PEERS + " peers (got "
                    + g.peers().size() + ")");
        }
        Set<String> peerSites = new HashSet<>();
        Set<String> keyIds = new HashSet<>();
        for (int i = 0; i < g.peers().size(); i++) {
            String pp = SourceMap.index(SourceMap.field(p, "peers"), i);
            PeerConfig peer = g.peers().get(i);
            String sitePath = SourceMap.field(pp, "site");
            if (blank(peer.site())) {
                error.accept(sitePath, "required: the peer's site name");
            } else if (!sitePaths.containsKey(peer.site())) {
                error.accept(sitePath, "no site named \"" + peer.site() + "\" in gslb.sites"
                        + Suggestions.didYouMean(peer.site(), sitePaths.keySet()));
            } else if (peer.site().equals(g.site())) {
                error.accept(sitePath, "a site cannot be its own peer");
            } else if (!peerSites.add(peer.site())) {
                error.accept(sitePath, "duplicate peer \"" + peer.site() + "\"");
            }
            if (peer.keyId() != null && !keyIds.add(peer.keyId())) {
                error.accept(SourceMap.field(pp, "keyId"), "duplicate key id \"" + peer.keyId() + "\"");
            }
            if (peer.keyId() != null && peer.keyId().length() > 255) {
                error.accept(SourceMap.field(pp, "keyId"), "at most 255 characters");
            }
            required(SourceMap.field(pp, "address"), peer.address());
            nonNegative(SourceMap.field(pp, "interval"), peer.interval(), "; 0s turns periodic UPDATEs off");
            checkSecret(peer, pp);
        }
        if (g.handoffWeights().isEmpty() || g.handoffWeights().size() > GslbConfig.MAX_POSITIONS) {
            error.accept(SourceMap.field(p, "handoffWeights"), "give 1 to " + GslbConfig.MAX_POSITIONS
                    + " position weights (got " + g.handoffWeights().size() + ")");
        }
        for (int i = 0; i < g.handoffWeights().size(); i++) {
            Integer w = g.handoffWeights().get(i);
            if (w == null || w < 0 || w > GslbConfig.MAX_POSITION_WEIGHT) {
                error.accept(SourceMap.index(SourceMap.field(p, "handoffWeights"), i), "must be between 0 and "
                        + GslbConfig.MAX_POSITION_WEIGHT + " (got " + w + ")");
            }
        }
        checkChecks(g.checks(), SourceMap.field(p, "checks"));
        int status = g.redirect().status();
        if (status != 302 && status != 307) {
            error.accept(SourceMap.field(SourceMap.field(p, "redirect"), "status"), "must be 302 or 307 (got "
                    + status + ")");
        }
        if (g.preferFreeCapacity() && g.sites().size() > 3) {
            error.accept(SourceMap.field(p, "preferFreeCapacity"), "only for three sites or fewer (got "
                    + g.sites().size() + " sites)");
        }
        positive(SourceMap.field(p, "maxClockSkew"), g.maxClockSkew());
    }

    private void checkSite(SiteConfig s, String sp, boolean own, Set<String> listeners) {
        if (s.coordinates() != null && !validCoordinates(s.coordinates())) {
            error.accept(SourceMap.field(sp, "coordinates"), "write \"latitude,longitude\" in degrees, e.g. "
                    + "\"48.85,2.35\" (got \"" + s.coordinates() + "\")");
        }
        if (s.vips().isEmpty()) {
            error.accept(SourceMap.field(sp, "vips"), "at least one VIP is required");
        }
        if (s.redirectTo() != null && !validUrl(s.redirectTo())) {
            error.accept(SourceMap.field(sp, "redirectTo"), "must be an absolute http:// or https:// URL (got \""
                    + s.redirectTo() + "\")");
        }
        for (int i = 0; i < s.vips().size(); i++) {
            String vp = SourceMap.index(SourceMap.field(sp, "vips"), i);
            VipConfig v = s.vips().get(i);
            required(SourceMap.field(vp, "address"), v.address());
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
    }

    private void checkSecret(PeerConfig peer, String pp) {
        boolean inline = peer.secret() != null;
        boolean file = peer.secretFile() != null;
        if (inline == file) {
            error.accept(SourceMap.field(pp, inline ? "secretFile" : "secret"),
                    "give exactly one of secret and secretFile");
            return;
        }
        if (inline && peer.secret().length() < MIN_SECRET_LENGTH) {
            // Never echo the secret itself.
            error.accept(SourceMap.field(pp, "secret"), "must be at least " + MIN_SECRET_LENGTH
                    + " characters (got " + peer.secret().length() + ")");
        }
        if (file) {
            String path = SourceMap.field(pp, "secretFile");
            try {
                Path f = Path.of(peer.secretFile());
                if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                    error.accept(path, "cannot read \"" + peer.secretFile() + "\"");
                }
            } catch (InvalidPathException e) {
                error.accept(path, "invalid path \"" + peer.secretFile() + "\"");
            }
        }
    }

    private void checkChecks(SiteCheckConfig c, String p) {
        positive(SourceMap.field(p, "halfLife"), c.halfLife());
    }

    /** A peer's or VIP's address (the binder has checked its form). */
    private void required(String path, HostPort hp) {
        if (hp == null) {
            error.accept(path, "required: host:port");
        }
    }

    private void positive(String path, Duration d) {
        if (d.isNegative() || d.isZero()) {
            error.accept(path, "must be longer than 0 (got " + ConfigUnits.formatDuration(d) + ")");
        }
    }

    private void nonNegative(String path, Duration d, String note) {
        if (d.isNegative()) {
            error.accept(path, "must not be negative (got " + ConfigUnits.formatDuration(d) + ")" + note);
        }
    }

    static boolean validCoordinates(String text) {
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

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
