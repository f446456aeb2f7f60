package io.fulcrum.dns.gslb;

import java.util.Locale;

/** The named steps of a GSLB policy chain. */
public enum Policy {
    /** Leaves out sites (and VIPs) that monitors or peers see as down. */
    UP,
    /** Prefers sites in the client's country, then region, then the nearest by distance. */
    GEO,
    /** Prefers the lowest measured response time. */
    LATENCY,
    /** Prefers the most remaining capacity; full sites go last. */
    LOAD,
    /** Prefers the configured order. */
    FAILOVER,
    /** Spreads the first place over the best sites by their configured weights. */
    WEIGHTED,
    /** Spreads the first place by the hand-off table shares. */
    HANDOFF,
    /** Keeps a client subnet on the site it was first given, for a timeout. */
    STICKY;

    /** The name used in configuration. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy with this configuration name, or {@code null}. */
    public static Policy parse(String name) {
        for (Policy p : values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Whether it spreads the first place over several sites (rather than ordering them). */
    boolean spreads() {
        return this == WEIGHTED || this == HANDOFF;
    }
}
