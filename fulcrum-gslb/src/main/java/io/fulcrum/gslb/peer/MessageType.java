package io.fulcrum.gslb.peer;

/** The kinds of site-state messages, with their wire codes. */
public enum MessageType {
    /** Periodic state report. */
    UPDATE(1),
    /** Immediate state report: a peer became unreachable or a local limit was hit. */
    EVENT(2),
    /** Asks a node for its hand-off table ({@code fulcrum handoff}). */
    QUERY(3),
    /** The answer to a QUERY. */
    TABLE(4);

    final int code;

    MessageType(int code) {
        this.code = code;
    }

    static MessageType of(int code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
