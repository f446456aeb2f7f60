package io.fulcrum.gslb.check;

/**
 * The outcome of one check.
 *
 * @param ok     whether the VIP passed
 * @param millis how long the check took (connect, or connect to status line)
 * @param detail what went wrong, or the status seen
 */
public record ProbeResult(boolean ok, double millis, String detail) {
}
