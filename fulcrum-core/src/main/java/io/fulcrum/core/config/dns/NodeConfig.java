package io.fulcrum.core.config.dns;

/**
 * A lower-tier GSLB DNS server of a site.
 *
 * @param name    its host name (the NS target in upper-tier referrals)
 * @param address its IPv4 or IPv6 address (glue)
 */
public record NodeConfig(String name, String address) {
}
