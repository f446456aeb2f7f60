package io.fulcrum.control.config;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.gslb.PeerConfig;
import io.fulcrum.core.config.gslb.SiteCheckConfig;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The semantic rules of the {@code gslb:} section (own site, peers, hand-off); the sites and
 * their VIPs are the top-level {@code sites:} list ({@link SitesValidator}). Called by
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
        if (g.enabled() || !g.peers().isEmpty()) {
            new GslbConfigValidator(error).run(config, g, "gslb");
        }
    }

    private void run(FulcrumConfig config, GslbConfig g, String p) {
        if (!g.enabled()) {
            error.accept(SourceMap.field(p, "site"), "required: the name of this node's own site");
        }
        Set<String> sites = SitesValidator.names(config);
        if (g.enabled() && !sites.contains(g.site())) {
            error.accept(SourceMap.field(p, "site"), "no site named \"" + g.site() + "\" in sites"
                    + Suggestions.didYouMean(g.site(), sites));
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
            } else if (!sites.contains(peer.site())) {
                error.accept(sitePath, "no site named \"" + peer.site() + "\" in sites"
                        + Suggestions.didYouMean(peer.site(), sites));
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
        if (g.preferFreeCapacity() && config.sites().size() > 3) {
            error.accept(SourceMap.field(p, "preferFreeCapacity"), "only for three sites or fewer (got "
                    + config.sites().size() + " sites)");
        }
        positive(SourceMap.field(p, "maxClockSkew"), g.maxClockSkew());
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

    /** A peer's address (the binder has checked its form). */
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

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
