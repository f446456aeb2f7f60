package io.fulcrum.core.balance;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Creates balancers by their configuration name.
 *
 * <p>Every balancer returned picks among the pool's {@code UP} backends with its
 * algorithm and, only when none of them is selectable, among its {@code BACKUP}
 * backends with the same algorithm; it returns {@code null} when neither tier has
 * a selectable backend (see {@link LoadBalancer}). Balancers are thread-safe and
 * follow backend changes (state, weight, ejection, locality) by themselves.
 */
public final class BalancerRegistry {

    private BalancerRegistry() {
    }

    /** Names accepted by {@link #create}. */
    public static Set<String> names() {
        return Set.of("round-robin", "weighted-round-robin", "smooth-weighted-round-robin", "least-connections",
                "least-response-time", "power-of-two", "random", "source-ip-hash", "maglev", "ring-hash",
                "locality-weighted-round-robin");
    }

    /**
     * Builds the named algorithm over a pool.
     *
     * @throws IllegalArgumentException for an unknown name, or settings the algorithm cannot use
     *                                  (weight bound below 1; Maglev table size not a prime; ring replicas below 1;
     *                                  an unknown hash key source or a header/cookie key without a name)
     */
    public static LoadBalancer create(String name, BalancerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.weightBound() < 1) {
            throw new IllegalArgumentException("weightBound must be at least 1: " + spec.weightBound());
        }
        Function<PoolView, Function<Tier, Selector>> algorithm = algorithm(name, spec);
        PoolView pool = new PoolView(spec.backends(), spec.weightBound(), ChangeWatch.over(spec.backends()));
        Function<Tier, Selector> perTier = algorithm.apply(pool);
        return new TieredBalancer(name, perTier.apply(Tier.PRIMARY), perTier.apply(Tier.BACKUP));
    }

    /** Validates everything before anything is registered on the backends. */
    private static Function<PoolView, Function<Tier, Selector>> algorithm(String name, BalancerSpec spec) {
        return switch (name == null ? "" : name) {
            case "round-robin" -> pool -> tier -> new RoundRobin(pool, tier);
            case "weighted-round-robin" -> pool -> tier -> new WeightedRoundRobin(pool, tier);
            case "smooth-weighted-round-robin" -> pool -> tier -> new SmoothWeightedRoundRobin(pool, tier);
            case "least-connections" -> pool -> tier -> new LeastConnections(pool, tier);
            case "least-response-time" -> pool -> tier -> new LeastResponseTime(pool, tier);
            case "power-of-two" -> pool -> tier -> new PowerOfTwoChoices(pool, tier);
            case "random" -> pool -> tier -> new WeightedRandom(pool, tier);
            case "source-ip-hash" -> pool -> tier -> new SourceIpHash(pool, tier);
            case "maglev" -> {
                HashKey key = HashKey.of(spec.hashKey());
                int size = spec.maglevTableSize();
                if (size < 3 || !BigInteger.valueOf(size).isProbablePrime(40)) {
                    throw new IllegalArgumentException("maglevTableSize must be a prime (e.g. 65537): " + size);
                }
                yield pool -> tier -> new Maglev(pool, tier, key, size);
            }
            case "ring-hash" -> {
                HashKey key = HashKey.of(spec.hashKey());
                int replicas = spec.ringReplicas();
                if (replicas < 1) {
                    throw new IllegalArgumentException("ringReplicas must be at least 1: " + replicas);
                }
                yield pool -> tier -> new RingHash(pool, tier, key, replicas);
            }
            case "locality-weighted-round-robin" ->
                    pool -> tier -> new LocalityWeightedRoundRobin(pool, tier, spec.localHost(), spec.localSite());
            default -> throw new IllegalArgumentException(
                    "unknown balancing algorithm '" + name + "'; known: " + String.join(", ", new TreeSet<>(names())));
        };
    }
}
