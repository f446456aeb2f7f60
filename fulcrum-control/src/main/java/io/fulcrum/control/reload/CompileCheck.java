package io.fulcrum.control.reload;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;

import java.util.List;

/**
 * Compiles a configuration the way the running node puts one into service (certificates and
 * keys, zones and GSLB records, secrets), short of binding a socket, and keeps nothing of it.
 * The node provides it ({@code FulcrumNode::check}); {@code fulcrum validate}, {@code fulcrum run},
 * the admin API's validate and every reload go through the same one, so a configuration refused
 * by one is refused by all, with the same messages, before anything is applied.
 */
@FunctionalInterface
public interface CompileCheck {

    /**
     * @return the problems found, each naming its field; empty when the configuration compiles
     */
    List<InvalidFieldException> problems(FulcrumConfig config);

    /**
     * The loaded configuration if it compiles; otherwise a refusal naming each problem at the
     * line of its field, formatted as the loader formats its own errors
     * ({@code file:line:column: field.path: reason}).
     */
    default LoadedConfig compiled(LoadedConfig loaded) throws ConfigException {
        List<InvalidFieldException> problems = problems(loaded.config());
        if (!problems.isEmpty()) {
            throw loaded.locations().refusal(problems);
        }
        return loaded;
    }
}
