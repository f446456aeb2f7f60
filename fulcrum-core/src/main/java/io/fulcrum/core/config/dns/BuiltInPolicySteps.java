package io.fulcrum.core.config.dns;

import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.extension.NoSettings;

import java.util.List;

/**
 * The GSLB policy steps Fulcrum ships (docs/dns.md), registered in
 * {@code META-INF/services/io.fulcrum.core.config.dns.PolicyStep}. None has settings.
 */
public final class BuiltInPolicySteps {

    private BuiltInPolicySteps() {
    }

    /** The chain of a GSLB record that names none: {@code [up, geo, weighted]}. */
    public static List<ExtensionConfig<PolicyStep<?>>> defaultChain() {
        return List.of(ExtensionConfig.of(Up.NAME), ExtensionConfig.of(Geo.NAME), ExtensionConfig.of(Weighted.NAME));
    }

    /** The shared part of every built-in step. */
    abstract static class Named implements PolicyStep<NoSettings> {
        private final String name;
        private final Role role;

        Named(String name, Role role) {
            this.name = name;
            this.role = role;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public final Role role() {
            return role;
        }
    }

    /** {@code up}: leaves out sites (and VIPs) that monitors or peers see as down. */
    public static final class Up extends Named {
        static final String NAME = "up";

        public Up() {
            super(NAME, Role.FILTER);
        }
    }

    /** {@code geo}: the client's country first, then its region, then the nearest. */
    public static final class Geo extends Named {
        static final String NAME = "geo";

        public Geo() {
            super(NAME, Role.ORDER);
        }
    }

    /** {@code latency}: the lowest measured response time first. */
    public static final class Latency extends Named {
        public Latency() {
            super("latency", Role.ORDER);
        }
    }

    /** {@code load}: the most remaining capacity first; full sites last. */
    public static final class Load extends Named {
        public Load() {
            super("load", Role.ORDER);
        }
    }

    /** {@code failover}: the configured order ({@code failoverOrder}). */
    public static final class Failover extends Named {
        public Failover() {
            super("failover", Role.ORDER);
        }
    }

    /** {@code weighted}: the first place shared by the sites' weights. */
    public static final class Weighted extends Named {
        static final String NAME = "weighted";

        public Weighted() {
            super(NAME, Role.SPREAD);
        }
    }

    /** {@code handoff}: the first place shared by the hand-off table. */
    public static final class Handoff extends Named {
        public Handoff() {
            super("handoff", Role.SPREAD);
        }
    }

    /** {@code sticky}: a client subnet keeps its site for {@code stickyTimeout}. */
    public static final class Sticky extends Named {
        public Sticky() {
            super("sticky", Role.REMEMBER);
        }
    }
}
