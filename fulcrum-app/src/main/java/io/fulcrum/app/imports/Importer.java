package io.fulcrum.app.imports;

/**
 * Converts the text of one source configuration format into a Fulcrum configuration draft.
 */
public interface Importer {

    /**
     * Converts {@code text}.
     *
     * @param file     the file's name, for the {@code file:line} of warnings and errors
     * @param warnings receives one line for each directive (or part) not converted
     * @throws ImportException when the text is malformed, or nothing in it accepts traffic
     */
    ConfigDraft convert(String text, String file, ImportWarnings warnings) throws ImportException;

    /** The format's name as people know it ({@code HAProxy}). */
    String formatName();
}
