package io.fulcrum.core.config;

import java.io.Serial;

/**
 * A configuration that passed validation but cannot be compiled into its runtime form
 * (a key that does not belong to its certificate, a zone name served twice...), naming
 * the field at fault by its path, e.g. {@code listeners[0].tls.certificates[1].keyFile}.
 *
 * <p>Each compiler knows only its own part of the path: it throws with the field it
 * read, and each caller that knows where that part sits prefixes it with
 * {@link #within(String)}, so the path is complete when it reaches the command line,
 * which turns it into {@code file:line:column: path: reason}.
 */
public final class InvalidFieldException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /**
     * @param field  the path of the field at fault, relative to the thrower ({@code ""} for the whole of it)
     * @param reason what is wrong, without the path
     */
    public InvalidFieldException(String field, String reason) {
        this(field, reason, null);
    }

    /** Like {@link #InvalidFieldException(String, String)} with the exception that revealed it. */
    public InvalidFieldException(String field, String reason, Throwable cause) {
        super(join(field, reason), cause);
        this.field = field == null ? "" : field;
        this.reason = reason == null ? "" : reason;
    }

    /** The field path, e.g. {@code pools[0].tls.keyFile}; {@code ""} when not known. */
    public String field() {
        return field;
    }

    /** What is wrong, without the path. */
    public String reason() {
        return reason;
    }

    /**
     * The same problem one level up: {@code within("listeners[0].tls")} turns the field
     * {@code certificates[1].keyFile} into {@code listeners[0].tls.certificates[1].keyFile}.
     */
    public InvalidFieldException within(String parent) {
        if (parent == null || parent.isEmpty()) {
            return this;
        }
        String path = field.isEmpty() ? parent : field.startsWith("[") ? parent + field : parent + "." + field;
        return new InvalidFieldException(path, reason, getCause());
    }

    private static String join(String field, String reason) {
        return field == null || field.isEmpty() ? reason : field + ": " + reason;
    }
}
