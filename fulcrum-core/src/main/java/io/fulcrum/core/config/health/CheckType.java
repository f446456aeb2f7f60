package io.fulcrum.core.config.health;

import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionPoint;
import io.fulcrum.core.extension.ExtensionRegistry;

/**
 * A type of active health check, registered by name: {@code pools[].health.checks[].type}
 * chooses one, with its settings nested under the name
 * ({@code type: {http: {path: /health}}}). The settings and their validation are here,
 * where the configuration can see them; the check itself is run by fulcrum-health, which
 * builds it through {@code io.fulcrum.health.check.HealthChecks}.
 *
 * <p>The built-in types are {@link BuiltInCheckTypes}. Another type implements
 * {@code io.fulcrum.health.check.HealthCheckFactory} (this interface plus how the check is
 * created) and is listed in {@code META-INF/services/io.fulcrum.core.config.health.CheckType}.
 *
 * @param <S> its settings
 */
@ExtensionPoint("health-check type")
public interface CheckType<S extends Record> extends ExtensionFactory<S> {

    /** The registry of check types, the one owner of their names. */
    static ExtensionRegistry<CheckType<?>> registry() {
        return ExtensionRegistry.of(CheckType.class);
    }
}
