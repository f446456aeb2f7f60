package io.fulcrum.control.config;

import io.fulcrum.core.balance.BalancerFactory;
import io.fulcrum.core.balance.BalancerRegistry;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionRegistry;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Validation of configured extensions through their kind's registry: the name must be
 * registered and the factory must accept the settings. Each problem is reported at the
 * extension's path plus the field the factory names ({@code pools[0].algorithm.maglev.tableSize}).
 */
final class ExtensionChecks {

    private ExtensionChecks() {
    }

    /** Reports the problems of {@code config}, written at {@code path}, to {@code error}. */
    static <F extends ExtensionFactory<?>> void check(String path, ExtensionConfig<F> config, ExtensionRegistry<F> registry,
                                                      BiConsumer<String, String> error) {
        report(path, registry.validate(config), error);
    }

    /**
     * A pool's or listener's balancing algorithm: its settings, then what they must be for
     * a pool of {@code backends} backends (errors), and what is probably not intended (warnings).
     */
    static void checkAlgorithm(String path, ExtensionConfig<BalancerFactory<?>> algorithm, int backends,
                               BiConsumer<String, String> error, BiConsumer<String, String> warn) {
        List<InvalidFieldException> problems = BalancerRegistry.registry().validate(algorithm);
        report(path, problems, error);
        if (problems.isEmpty()) {
            forPool(SourceMap.field(path, algorithm.name()), BalancerRegistry.registry().get(algorithm.name()),
                    algorithm.settings(), backends, error, warn);
        }
    }

    private static <S extends Record> void forPool(String path, BalancerFactory<S> factory, Record raw, int backends,
                                                   BiConsumer<String, String> error, BiConsumer<String, String> warn) {
        S settings = factory.settings(raw);
        report(path, factory.validateForPool(settings, backends), error);
        report(path, factory.warningsForPool(settings, backends), warn);
    }

    private static void report(String path, List<InvalidFieldException> problems, BiConsumer<String, String> sink) {
        for (InvalidFieldException p : problems) {
            InvalidFieldException at = p.within(path);
            sink.accept(at.field(), at.reason());
        }
    }
}
