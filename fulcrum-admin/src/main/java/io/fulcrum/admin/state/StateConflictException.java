package io.fulcrum.admin.state;

import java.io.IOException;

/** A change refused because the fleet's operator state changed since this node read it (the API answers 409). */
public final class StateConflictException extends IOException {

    public StateConflictException(String message) {
        super(message);
    }
}
