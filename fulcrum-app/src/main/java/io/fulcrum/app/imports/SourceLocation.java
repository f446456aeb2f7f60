package io.fulcrum.app.imports;

/**
 * Where a directive was written: the file as the user named it, and its line (from 1).
 *
 * @param file the source file's name
 * @param line the line number, from 1
 */
public record SourceLocation(String file, int line) {

    /** {@code file:line}, the prefix of every warning and error about this place. */
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
