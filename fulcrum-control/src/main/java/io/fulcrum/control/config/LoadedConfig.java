package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;

import java.util.List;

/**
 * A valid configuration together with the warnings found while checking it (for
 * example a pool that no route uses). Warnings never stop a configuration from
 * being used; they are meant to be logged.
 *
 * @param config   the configuration
 * @param warnings things that are allowed but probably not intended, in file order
 */
public record LoadedConfig(FulcrumConfig config, List<ConfigError> warnings) {

    public LoadedConfig {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
