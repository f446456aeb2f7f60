package io.fulcrum.control.config;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used. Carries every problem found, not just the
 * first; {@link #getMessage()} is a report with one line per problem, in file order:
 * <pre>
 * config.yaml:14:7: pools[1].backends[0].weight: must be &gt;= 0 (got -3)
 * config.yaml:21:13: listeners[0].routes[0].pool: no pool named "apii" (did you mean "api"?)
 * </pre>
 */
public class ConfigException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final List<ConfigError> errors;

    /**
     * @param sourceName the file (or other source) the configuration came from; used at the start of each line
     * @param errors     the problems; at least one
     */
    public ConfigException(String sourceName, List<ConfigError> errors) {
        super(null, null, false, false);
        if (errors == null || errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.sourceName = sourceName == null ? "" : sourceName;
        this.errors = List.copyOf(errors);
    }

    /** The name the configuration was read under (a file path, or a name such as {@code <api>}). */
    public String sourceName() {
        return sourceName;
    }

    /** Every problem found, in file order. */
    public List<ConfigError> errors() {
        return errors;
    }

    @Override
    public String getMessage() {
        return errors.stream().map(e -> e.format(sourceName)).collect(Collectors.joining("\n"));
    }
}
