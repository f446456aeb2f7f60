package io.fulcrum.core.lifecycle;

import java.io.IOException;
import java.io.Serial;

/**
 * An address of the configuration could not be bound (in use, not local to this machine,
 * a privileged port), naming the field that gave it ({@code listeners[0].bind},
 * {@code dns.listen}), so that {@code fulcrum run} can point at the line to change.
 */
public final class BindFailedException extends IOException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field   the path of the field that gave the address
     * @param message what could not be bound and why, without the path
     */
    public BindFailedException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field == null ? "" : field;
    }

    /** The path of the field that gave the address. */
    public String field() {
        return field;
    }
}
