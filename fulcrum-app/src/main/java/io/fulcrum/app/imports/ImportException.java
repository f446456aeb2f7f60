package io.fulcrum.app.imports;

/**
 * The source configuration cannot be read: a syntax error (an unclosed quote or block, a directive
 * outside any section) or nothing in it that Fulcrum could serve. The message starts with
 * {@code file:line:} when the problem has a place.
 */
public final class ImportException extends Exception {

    /** A problem at one place of the source. */
    public ImportException(SourceLocation at, String message) {
        super(at + ": " + message);
    }

    /** A problem of the whole file. */
    public ImportException(String file, String message) {
        super(file + ": " + message);
    }
}
