package io.fulcrum.core.config.dns;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.extension.NamedFactory;
import io.fulcrum.core.extension.NoSettings;

import java.time.Duration;
import java.util.List;

/**
 * The GSLB policy steps Fulcrum ships (docs/dns.md), registered in
 * {@code META-INF/services/io.fulcrum.core.config.dns.PolicyStep}. Only {@code failover}
 * and {@code sticky} have settings.
 */
public final class BuiltInPolicySteps {

    private BuiltInPolicySteps() {
    }

    /** The chain of a GSLB record that names none: {@code [up, geo, weighted]}. */
    public static List<ExtensionConfig<PolicyStep<?>>> defaultChain() {
        return List.of(ExtensionConfig.of(Up.NAME), ExtensionConfig.of(Geo.NAME), ExtensionConfig.of(Weighted.NAME));
    }

    /**
     * Settings of {@code failover}.
     *
     * @param order the sites in the order preferred; default the record's {@code sites} order
     */
    public record FailoverSettings(List<String> order) {
        public FailoverSettings {
            order = order == null ? List.of() : List.copyOf(order);
        }
    }

    /**
     * Settings of {@code sticky}.
     *
     * @param timeout how long a client subnet keeps its site (each answer extends it); default 1 hour
     */
    public record StickySettings(Duration timeout) {
        public StickySettings {
            timeout = timeout == null ? Duration.ofHours(1) : timeout;
        }
    }

    /** The shared part of every built-in step. */
    abstract static class Typed<S extends Record> extends NamedFactory<S> implements PolicyStep<S> {
        private final Role role;

        Typed(String name, Class<S> settingsType, Role role) {
            super(name, settingsType);
            this.role = role;
        }

        @Override
        public final Role role() {
            return role;
        }
    }

    /** A built-in step with no settings. */
    abstract static class Named extends Typed<NoSettings> {
        Named(String name, Role role) {
            super(name, NoSettings.class, role);
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

    /** {@code failover}: the configured order. */
    public static final class Failover extends Typed<FailoverSettings> {
        public Failover() {
            super("failover", FailoverSettings.class, Role.ORDER);
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

    /** {@code sticky}: a client subnet keeps its site for a while. */
    public static final class Sticky extends Typed<StickySettings> {
        public Sticky() {
            super("sticky", StickySettings.class, Role.REMEMBER);
        }

        @Override
        public List<InvalidFieldException> validate(StickySettings s) {
            return s.timeout().isNegative() || s.timeout().isZero()
                    ? List.of(new InvalidFieldException("timeout", "must be positive")) : List.of();
        }
    }
}
