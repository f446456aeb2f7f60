package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;

import java.util.List;

/**
 * A valid configuration together with the warnings found while checking it (for
 * example a pool that no route uses), and where its fields were written. Warnings never
 * stop a configuration from being used; they are meant to be logged.
 *
 * @param config    the configuration
 * @param warnings  things that are allowed but probably not intended, in file order
 * @param locations where each field was written, to report problems found when it is compiled
 */
public record LoadedConfig(FulcrumConfig config, List<ConfigError> warnings, FieldLocations locations) {

    public LoadedConfig {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        locations = locations == null ? FieldLocations.NONE : locations;
    }

    /** A configuration and its warnings, with no source to locate fields in. */
    public LoadedConfig(FulcrumConfig config, List<ConfigError> warnings) {
        this(config, warnings, FieldLocations.NONE);
    }
}
