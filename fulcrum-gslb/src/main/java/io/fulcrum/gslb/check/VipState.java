package io.fulcrum.gslb.check;

/**
 * One VIP as this site's checks see it at one moment.
 *
 * @param site          the VIP's site
 * @param vip           the VIP address as configured ({@code host:port})
 * @param check         the check type ({@code http}, {@code dns}...)
 * @param up            the rise/fall verdict (a VIP starts up: nothing known means usable)
 * @param averageMillis time-weighted average of the passing checks' total time, NaN before the first pass
 * @param detail        what the last check saw, empty before the first
 */
public record VipState(String site, String vip, String check, boolean up, double averageMillis, String detail) {
}
