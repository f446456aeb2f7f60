package io.fulcrum.gslb.peer;

import io.fulcrum.gslb.handoff.HandoffTable;

import java.util.Objects;

/**
 * One site-state message, decoded and verified (or about to be signed).
 *
 * @param type      what it is
 * @param sender    the sending site's name ({@code fulcrum-cli} for a query from the command line)
 * @param timestampMillis when it was sent (epoch milliseconds), checked against the clock skew allowed
 * @param sequence  strictly increasing per sender; the replay window rejects repeats
 * @param reason    why an EVENT was sent (empty otherwise)
 * @param report    the sender's state (UPDATE and EVENT; {@code null} otherwise)
 * @param table     the hand-off table (TABLE; {@code null} otherwise)
 */
public record SiteMessage(MessageType type, String sender, long timestampMillis, long sequence, String reason,
                          SiteReport report, HandoffTable table) {

    public SiteMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sender, "sender");
        reason = reason == null ? "" : reason;
    }
}
