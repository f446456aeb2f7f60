package io.fulcrum.core.balance;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.NamedFactory;
import io.fulcrum.core.extension.NoSettings;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The balancing algorithms Fulcrum ships, one factory each, registered in
 * {@code META-INF/services/io.fulcrum.core.balance.BalancerFactory}. Each is a
 * {@link Selector} per tier served through {@link TieredBalancer}; see the package
 * documentation for their costs.
 */
public final class BuiltInAlgorithms {

    private BuiltInAlgorithms() {
    }

    /** A built-in algorithm: one selector per tier over a shared {@link PoolView}. */
    abstract static class Tiered<S extends Record> extends NamedFactory<S> implements BalancerFactory<S> {

        Tiered(String name, Class<S> settingsType) {
            super(name, settingsType);
        }

        /** The algorithm over one tier. */
        abstract Selector selector(S settings, BalancerSpec spec, PoolView pool, Tier tier);

        @Override
        public final LoadBalancer create(S settings, BalancerSpec spec) {
            PoolView pool = new PoolView(spec.backends(), spec.weightBound(), ChangeWatch.over(spec.backends()));
            return new TieredBalancer(name(), selector(settings, spec, pool, Tier.PRIMARY),
                    selector(settings, spec, pool, Tier.BACKUP));
        }
    }

    /** How an algorithm without settings builds its selector over one tier. */
    @FunctionalInterface
    interface PlainSelector {
        Selector over(PoolView pool, Tier tier, BalancerSpec spec);
    }

    /** A built-in algorithm without settings: its name and how it builds a selector. */
    abstract static class Plain extends Tiered<NoSettings> {

        private final PlainSelector selector;

        Plain(String name, PlainSelector selector) {
            super(name, NoSettings.class);
            this.selector = selector;
        }

        @Override
        final Selector selector(NoSettings s, BalancerSpec spec, PoolView pool, Tier tier) {
            return selector.over(pool, tier, spec);
        }
    }

    /** {@code round-robin}: each backend in turn, weights ignored. */
    public static final class RoundRobinFactory extends Plain {

        /** Its name; also the algorithm of a pool that names none. */
        public static final String NAME = "round-robin";

        public RoundRobinFactory() {
            super(NAME, (pool, tier, spec) -> new RoundRobin(pool, tier));
        }
    }

    /** {@code weighted-round-robin}: interleaved turns in proportion to the weights. */
    public static final class WeightedRoundRobinFactory extends Plain {
        public WeightedRoundRobinFactory() {
            super("weighted-round-robin", (pool, tier, spec) -> new WeightedRoundRobin(pool, tier));
        }
    }

    /** {@code smooth-weighted-round-robin}: nginx's smooth weighted turns. */
    public static final class SmoothWeightedRoundRobinFactory extends Plain {
        public SmoothWeightedRoundRobinFactory() {
            super("smooth-weighted-round-robin", (pool, tier, spec) -> new SmoothWeightedRoundRobin(pool, tier));
        }
    }

    /** {@code least-connections}: fewest requests in flight relative to weight. */
    public static final class LeastConnectionsFactory extends Plain {
        public LeastConnectionsFactory() {
            super("least-connections", (pool, tier, spec) -> new LeastConnections(pool, tier));
        }
    }

    /** {@code least-response-time}: shortest recent response time. */
    public static final class LeastResponseTimeFactory extends Plain {
        public LeastResponseTimeFactory() {
            super("least-response-time", (pool, tier, spec) -> new LeastResponseTime(pool, tier));
        }
    }

    /** {@code power-of-two}: the less loaded of two random backends. */
    public static final class PowerOfTwoFactory extends Plain {
        public PowerOfTwoFactory() {
            super("power-of-two", (pool, tier, spec) -> new PowerOfTwoChoices(pool, tier));
        }
    }

    /** {@code random}: weighted random. */
    public static final class RandomFactory extends Plain {
        public RandomFactory() {
            super("random", (pool, tier, spec) -> new WeightedRandom(pool, tier));
        }
    }

    /** {@code source-ip-hash}: the client address hashed onto the weighted backends. */
    public static final class SourceIpHashFactory extends Plain {
        public SourceIpHashFactory() {
            super("source-ip-hash", (pool, tier, spec) -> new SourceIpHash(pool, tier));
        }
    }

    /** {@code locality-weighted-round-robin}: weighted turns, this node's host first, then its site. */
    public static final class LocalityWeightedRoundRobinFactory extends Plain {
        public LocalityWeightedRoundRobinFactory() {
            super("locality-weighted-round-robin", (pool, tier, spec) ->
                    new LocalityWeightedRoundRobin(pool, tier, spec.localHost(), spec.localSite()));
        }
    }

    /** {@code maglev}: Google's Maglev consistent hashing over a prime-sized table. */
    public static final class MaglevFactory extends Tiered<MaglevSettings> {

        /** Its name, for the L4 {@code udpHash} setting that always uses it. */
        public static final String NAME = "maglev";

        public MaglevFactory() {
            super(NAME, MaglevSettings.class);
        }

        @Override
        public List<InvalidFieldException> validate(MaglevSettings s) {
            List<InvalidFieldException> out = new ArrayList<>(HashKey.problems(s.hashKey(), "hashKey"));
            int size = s.tableSize();
            if (size < 3 || size > MaglevSettings.MAX_TABLE_SIZE) {
                out.add(new InvalidFieldException("tableSize", "must be a prime between 3 and "
                        + MaglevSettings.MAX_TABLE_SIZE + " (got " + size + "; " + MaglevSettings.DEFAULT_TABLE_SIZE
                        + " is a good choice)"));
            } else if (!BigInteger.valueOf(size).isProbablePrime(40)) {
                out.add(new InvalidFieldException("tableSize", "must be a prime number (got " + size + "; "
                        + MaglevSettings.DEFAULT_TABLE_SIZE + " is a good choice)"));
            }
            return out;
        }

        @Override
        public List<InvalidFieldException> validateForPool(MaglevSettings s, int backends) {
            if (s.tableSize() <= backends) {
                return List.of(new InvalidFieldException("tableSize", "must be larger than the number of backends, "
                        + backends + " (got " + s.tableSize() + "; " + MaglevSettings.DEFAULT_TABLE_SIZE
                        + " is a good choice)"));
            }
            return List.of();
        }

        @Override
        public List<InvalidFieldException> warningsForPool(MaglevSettings s, int backends) {
            if ((long) s.tableSize() < 100L * backends) {
                return List.of(new InvalidFieldException("tableSize", "a Maglev table smaller than 100 entries per "
                        + "backend spreads load unevenly (got " + s.tableSize() + " for " + backends + " backends; "
                        + MaglevSettings.DEFAULT_TABLE_SIZE + " is a good choice)"));
            }
            return List.of();
        }

        @Override
        Selector selector(MaglevSettings s, BalancerSpec spec, PoolView pool, Tier tier) {
            return new Maglev(pool, tier, HashKey.of(s.hashKey()), s.tableSize());
        }
    }

    /** {@code ring-hash}: Karger's consistent hash ring, {@code replicas} points per unit of weight. */
    public static final class RingHashFactory extends Tiered<RingHashSettings> {
        public RingHashFactory() {
            super("ring-hash", RingHashSettings.class);
        }

        @Override
        public List<InvalidFieldException> validate(RingHashSettings s) {
            List<InvalidFieldException> out = new ArrayList<>(HashKey.problems(s.hashKey(), "hashKey"));
            if (s.replicas() < 1 || s.replicas() > RingHashSettings.MAX_REPLICAS) {
                out.add(new InvalidFieldException("replicas", "must be between 1 and " + RingHashSettings.MAX_REPLICAS
                        + " (got " + s.replicas() + ")"));
            }
            return out;
        }

        @Override
        Selector selector(RingHashSettings s, BalancerSpec spec, PoolView pool, Tier tier) {
            return new RingHash(pool, tier, HashKey.of(s.hashKey()), s.replicas());
        }
    }
}
