package io.fulcrum.gslb.peer;

/** Why a received datagram was dropped instead of used. */
public enum DropReason {
    /** Not a site-state message: wrong magic, version, type or layout. */
    MALFORMED,
    /** Signed with a key id this node does not have. */
    UNKNOWN_KEY,
    /** The signature does not match. */
    BAD_SIGNATURE,
    /** The timestamp is too far from this node's clock. */
    STALE,
    /** The sequence number was already seen (or is older than the window). */
    REPLAYED,
    /** Well signed, but the sender is not the site the key belongs to, or the type is not expected here. */
    UNEXPECTED;

    /** Lower-case name for logs and events. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
