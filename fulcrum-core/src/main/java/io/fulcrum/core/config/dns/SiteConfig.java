package io.fulcrum.core.config.dns;

import java.util.List;

/**
 * A GSLB site as the DNS answers see it.
 *
 * @param name      unique name (the same name the site-state peers use)
 * @param region    regional registry region: {@code AFRINIC}, {@code APNIC}, {@code ARIN}, {@code LACNIC} or {@code RIPE}
 * @param countries ISO 3166 country codes served best by this site (used with a geo database)
 * @param location  {@code "latitude,longitude"} in degrees; default the region's centre
 * @param weight    share for the {@code weighted} policy (0 = never first)
 * @param vips      the proxy VIPs of the site (IPv4 and IPv6 literals)
 * @param nodes     the site's lower-tier GSLB DNS servers (for {@code tier: upper} records)
 */
public record SiteConfig(String name, String region, List<String> countries, String location, Integer weight,
                         List<String> vips, List<NodeConfig> nodes) {

    public SiteConfig {
        countries = countries == null ? List.of() : List.copyOf(countries);
        weight = weight == null ? 1 : weight;
        vips = vips == null ? List.of() : List.copyOf(vips);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }
}
