package io.fulcrum.control.config;

import java.io.Serializable;

/**
 * One problem found in a configuration (an error, or a warning when returned as such).
 *
 * @param path    the field path, e.g. {@code pools[1].backends[0].weight}; empty for the file as a whole
 * @param line    1-based line in the source, or 0 when unknown (a configuration that was not read from text)
 * @param column  1-based column in the source, or 0 when unknown
 * @param message what is wrong, and where possible how to fix it
 */
public record ConfigError(String path, int line, int column, String message) implements Serializable {

    public ConfigError {
        path = path == null ? "" : path;
        message = message == null ? "" : message;
    }

    /**
     * The problem as one line, compiler style: {@code config.yaml:14:7: pools[1].backends[0].weight: must be >= 0 (got -3)}.
     *
     * @param sourceName the file name to start the line with; {@code null} or empty for none
     */
    public String format(String sourceName) {
        StringBuilder sb = new StringBuilder();
        boolean hasSource = sourceName != null && !sourceName.isEmpty();
        if (hasSource) {
            sb.append(sourceName);
        }
        if (line > 0) {
            if (hasSource) {
                sb.append(':');
            }
            sb.append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        if (!sb.isEmpty()) {
            sb.append(": ");
        }
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }

    @Override
    public String toString() {
        return format(null);
    }
}
