package io.fulcrum.app.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Writes a {@link ConfigDraft} as a Fulcrum YAML file: block style, two-space indentation, quotes
 * only where YAML needs them, and a first comment that says where the file came from.
 */
public final class YamlWriter {

    private final ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    /**
     * The YAML text of {@code draft}.
     *
     * @param origin what the file was converted from, for its header comment
     *               ({@code "haproxy.cfg (HAProxy)"})
     */
    public String write(ConfigDraft draft, String origin) {
        try {
            return "# Converted from " + origin + " by fulcrum import.\n"
                    + "# Check every warning it printed: what they name was not converted.\n"
                    + yaml.writeValueAsString(draft.tree());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a tree of plain values as YAML", e);
        }
    }
}
