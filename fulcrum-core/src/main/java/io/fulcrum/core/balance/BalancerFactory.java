package io.fulcrum.core.balance;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionPoint;

import java.util.List;

/**
 * A balancing algorithm, registered by name: {@code pools[].algorithm} and an L4
 * listener's {@code algorithm} choose one (see {@link BalancerRegistry}). The built-in
 * ones are in {@link BuiltInAlgorithms}; another one is a class implementing this
 * interface, listed in {@code META-INF/services/io.fulcrum.core.balance.BalancerFactory}.
 *
 * @param <S> its settings, written under its name ({@code algorithm: {maglev: {tableSize: 65537}}})
 */
@ExtensionPoint("balancing algorithm")
public interface BalancerFactory<S extends Record> extends ExtensionFactory<S> {

    /**
     * The balancer of one pool, with settings that passed {@link #validate} and
     * {@link #validateForPool}. It must follow the {@link LoadBalancer} contract: pick
     * only {@link io.fulcrum.core.backend.Backend#isSelectable selectable} backends, then
     * {@link io.fulcrum.core.backend.Backend#isSelectableBackup backups}, be thread-safe,
     * and follow changes of the backends (state, weight) by itself.
     */
    LoadBalancer create(S settings, BalancerSpec spec);

    /**
     * Problems of these settings for a pool of {@code backends} backends (e.g. a table
     * that must be larger), fields relative to the settings.
     */
    default List<InvalidFieldException> validateForPool(S settings, int backends) {
        return List.of();
    }

    /** Settings allowed for such a pool but probably not intended, fields relative to the settings. */
    default List<InvalidFieldException> warningsForPool(S settings, int backends) {
        return List.of();
    }
}
