package io.fulcrum.control.config;

import io.fulcrum.control.config.YamlTree.Loc;
import io.fulcrum.core.config.InvalidFieldException;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each field of a loaded file was written, so that a problem found after loading
 * (when the configuration is compiled to run: a key that does not belong to its
 * certificate, a zone file that does not parse) is reported like the loader's own errors:
 * {@code file:line:column: field.path: reason}.
 */
public final class FieldLocations {

    /** For a configuration that was not read from text: problems keep their path but get no line. */
    static final FieldLocations NONE = new FieldLocations("", SourceMap.EMPTY);

    private final String sourceName;
    private final SourceMap sources;

    FieldLocations(String sourceName, SourceMap sources) {
        this.sourceName = sourceName;
        this.sources = sources;
    }

    /** The problem at the line of its field, or of the nearest enclosing field that was written. */
    public ConfigError locate(InvalidFieldException problem) {
        return locate(problem.field(), problem.reason());
    }

    /** A problem with this field, at its line (or that of the nearest enclosing field that was written). */
    public ConfigError locate(String field, String message) {
        Loc l = sources.find(field);
        return new ConfigError(field, l.line(), l.column(), message);
    }

    /**
     * Every problem in one exception, in file order, printed as the loader prints its own.
     *
     * @param problems at least one
     */
    public ConfigException refusal(List<InvalidFieldException> problems) {
        List<ConfigError> errors = new ArrayList<>();
        for (InvalidFieldException p : problems) {
            errors.add(locate(p));
        }
        errors.sort(ConfigLoader.FILE_ORDER);
        return new ConfigException(sourceName, errors);
    }
}
