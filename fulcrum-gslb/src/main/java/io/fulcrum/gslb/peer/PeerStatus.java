package io.fulcrum.gslb.peer;

/**
 * What this site knows of one peer at one moment.
 *
 * @param report    the peer's last UPDATE or EVENT body, {@code null} before the first
 * @param reachable whether its messages arrive (false once it was silent for
 *                  {@link PeerProtocol#SILENT_INTERVALS} UPDATE intervals)
 * @param events    EVENT messages received from it
 * @param updates   UPDATE messages received from it
 */
public record PeerStatus(SiteReport report, boolean reachable, long events, long updates) {
}
