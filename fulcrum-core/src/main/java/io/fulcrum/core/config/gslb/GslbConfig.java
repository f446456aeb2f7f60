package io.fulcrum.core.config.gslb;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.MovedField;

import java.util.List;

/**
 * The {@code gslb:} section: which site this node is, the site-state peers, and how
 * hand-off works. The sites themselves and their VIPs are the top-level {@code sites:}
 * list ({@link io.fulcrum.core.config.site.SiteConfig}). Absent (or without {@code site})
 * means this node takes no part in GSLB.
 *
 * @param site            the name of this node's own site (one of the top-level {@code sites})
 * @param bind            address ({@code host:port}) the site-state protocol listens on (UDP)
 * @param peers           the sites this one exchanges site state with
 * @param handoffWeights  OHW: the weight of positions 1..16 in the preference lists (0-64 each)
 * @param checks          what the checks of the sites' VIPs share (the averaging); each VIP says how it is checked
 * @param redirect        HTTP redirect hand-off when a local VIP is full or has no healthy server
 * @param preferFreeCapacity small-deployment mode (three sites or fewer): prefer the site with the most free capacity
 * @param maxClockSkew    how far a message's timestamp may be from this node's clock
 */
@MovedField(name = "sites", movedTo = "the top-level sites: list (shared with dns)")
public record GslbConfig(
        String site,
        HostPort bind,
        List<PeerConfig> peers,
        List<Integer> handoffWeights,
        SiteCheckConfig checks,
        RedirectConfig redirect,
        Boolean preferFreeCapacity,
        java.time.Duration maxClockSkew) {

    /** Most positions OHW may give weights to. */
    public static final int MAX_POSITIONS = 16;
    /** Largest weight of one position. */
    public static final int MAX_POSITION_WEIGHT = 64;
    /** Most peers one site exchanges state with. */
    public static final int MAX_PEERS = 32;

    /** Where the site-state protocol listens when {@code bind} is not given. */
    public static final HostPort DEFAULT_BIND = HostPort.of("0.0.0.0", 4790);

    public GslbConfig {
        bind = bind == null ? DEFAULT_BIND : bind;
        peers = peers == null ? List.of() : List.copyOf(peers);
        handoffWeights = handoffWeights == null ? List.of(6, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
                : List.copyOf(handoffWeights);
        checks = checks == null ? SiteCheckConfig.defaults() : checks;
        redirect = redirect == null ? RedirectConfig.defaults() : redirect;
        preferFreeCapacity = preferFreeCapacity != null && preferFreeCapacity;
        maxClockSkew = maxClockSkew == null ? java.time.Duration.ofSeconds(30) : maxClockSkew;
    }

    /** No GSLB: the section left out. */
    public static GslbConfig disabled() {
        return new GslbConfig(null, null, null, null, null, null, null, null);
    }

    /** Whether this node takes part in GSLB (a site name is set). */
    public boolean enabled() {
        return site != null && !site.isBlank();
    }
}
