package io.fulcrum.gslb.peer;

/** A received datagram that is not a usable site-state message. */
public final class MessageRejected extends Exception {

    private final DropReason reason;

    public MessageRejected(DropReason reason, String detail) {
        super(reason.label() + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public DropReason reason() {
        return reason;
    }
}
