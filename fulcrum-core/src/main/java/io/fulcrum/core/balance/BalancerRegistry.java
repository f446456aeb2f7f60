package io.fulcrum.core.balance;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.extension.ExtensionRegistry;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Creates balancers by their configuration name: the registry of
 * {@link BalancerFactory balancing algorithms} (the built-in {@link BuiltInAlgorithms}
 * and any other listed in {@code META-INF/services/io.fulcrum.core.balance.BalancerFactory}).
 *
 * <p>Every built-in balancer picks among the pool's {@code UP} backends with its
 * algorithm and, only when none of them is selectable, among its {@code BACKUP}
 * backends with the same algorithm; it returns {@code null} when neither tier has
 * a selectable backend (see {@link LoadBalancer}). Balancers are thread-safe and
 * follow backend changes (state, weight, ejection, locality) by themselves.
 */
public final class BalancerRegistry {

    private BalancerRegistry() {
    }

    /** The registry of balancing algorithms, the one owner of their names. */
    public static ExtensionRegistry<BalancerFactory<?>> registry() {
        return ExtensionRegistry.of(BalancerFactory.class);
    }

    /** Names accepted by {@link #create}. */
    public static Set<String> names() {
        return registry().names();
    }

    /** The named algorithm with its default settings, over a pool. */
    public static LoadBalancer create(String name, BalancerSpec spec) {
        return create(ExtensionConfig.of(name), spec);
    }

    /**
     * Builds the configured algorithm over a pool.
     *
     * @throws InvalidFieldException for an unknown name or settings the algorithm cannot use (field relative to
     *                               the algorithm, e.g. {@code maglev.tableSize}), or a weight bound below 1
     */
    public static LoadBalancer create(ExtensionConfig<BalancerFactory<?>> algorithm, BalancerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.weightBound() < 1) {
            throw new InvalidFieldException("weightBound", "must be at least 1: " + spec.weightBound());
        }
        List<InvalidFieldException> problems = registry().validate(algorithm);
        if (!problems.isEmpty()) {
            throw problems.getFirst();
        }
        return build(registry().get(algorithm.name()), algorithm, spec);
    }

    private static <S extends Record> LoadBalancer build(BalancerFactory<S> factory,
                                                         ExtensionConfig<BalancerFactory<?>> algorithm,
                                                         BalancerSpec spec) {
        S settings = factory.settings(algorithm.settings());
        List<InvalidFieldException> problems = factory.validateForPool(settings, spec.backends().size());
        if (!problems.isEmpty()) {
            throw problems.getFirst().within(algorithm.name());
        }
        return factory.create(settings, spec);
    }
}
