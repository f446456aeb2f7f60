package io.fulcrum.dns.gslb;

import io.fulcrum.core.config.dns.BuiltInPolicySteps;
import io.fulcrum.core.config.dns.PolicyStep;

/**
 * The GSLB policy steps this service implements (see {@link SiteOrdering}), each bound to
 * the {@link BuiltInPolicySteps built-in step} that owns its name and settings.
 */
public enum Policy {
    /** Leaves out sites (and VIPs) that monitors or peers see as down. */
    UP(BuiltInPolicySteps.Up.class),
    /** Prefers sites in the client's country, then region, then the nearest by distance. */
    GEO(BuiltInPolicySteps.Geo.class),
    /** Prefers the lowest measured response time. */
    LATENCY(BuiltInPolicySteps.Latency.class),
    /** Prefers the most remaining capacity; full sites go last. */
    LOAD(BuiltInPolicySteps.Load.class),
    /** Prefers the configured order. */
    FAILOVER(BuiltInPolicySteps.Failover.class),
    /** Spreads the first place over the best sites by their configured weights. */
    WEIGHTED(BuiltInPolicySteps.Weighted.class),
    /** Spreads the first place by the hand-off table shares. */
    HANDOFF(BuiltInPolicySteps.Handoff.class),
    /** Keeps a client subnet on the site it was first given, for a timeout. */
    STICKY(BuiltInPolicySteps.Sticky.class);

    private final Class<? extends PolicyStep<?>> step;

    Policy(Class<? extends PolicyStep<?>> step) {
        this.step = step;
    }

    /** The name used in configuration, as its step's registry knows it. */
    public String configName() {
        return PolicyStep.registry().names().stream()
                .filter(n -> step.isInstance(PolicyStep.registry().get(n)))
                .findFirst().orElseThrow();
    }

    /** The implementation of the step of this configuration name, or {@code null} when there is none. */
    public static Policy parse(String name) {
        PolicyStep<?> found = PolicyStep.registry().find(name).orElse(null);
        for (Policy p : values()) {
            if (p.step.isInstance(found)) {
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
