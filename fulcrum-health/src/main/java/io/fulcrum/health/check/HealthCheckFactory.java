package io.fulcrum.health.check;

import io.fulcrum.core.config.health.CheckType;

import java.time.Duration;

/**
 * A check type that brings its own check: the way to add one outside Fulcrum. It is a
 * {@link CheckType} (name, settings, their validation) that also creates the check, and is
 * listed in {@code META-INF/services/io.fulcrum.core.config.health.CheckType}; nothing else
 * is edited (see docs/design/extensions.md).
 *
 * @param <S> its settings
 */
public interface HealthCheckFactory<S extends Record> extends CheckType<S> {

    /**
     * The check for settings that passed {@link #validate}; see {@link HealthCheck} for
     * what {@code run} may do (it blocks on a virtual thread, reports failures as results).
     *
     * @param timeout the time one run may take ({@code checks[].timeout})
     */
    HealthCheck create(S settings, Duration timeout);
}
