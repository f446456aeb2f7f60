package io.fulcrum.control.store;

/** A store operation that could not be done: unreachable, timed out, refused, or raced by another push. */
public class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
