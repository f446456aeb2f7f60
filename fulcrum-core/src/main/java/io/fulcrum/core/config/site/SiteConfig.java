package io.fulcrum.core.config.site;

import io.fulcrum.core.config.Required;

import io.fulcrum.core.config.dns.NodeConfig;

import java.util.List;

/**
 * One site (data centre, region, zone) of the top-level {@code sites:} list, the one
 * description that GSLB (site state, VIP checks, hand-off) and DNS (GSLB records) both
 * read; {@code gslb.site}, {@code gslb.peers[].site} and {@code dns.gslb[].sites} refer
 * to a site by its name.
 *
 * @param name       unique name
 * @param region     regional registry region ({@code AFRINIC}, {@code APNIC}, {@code ARIN},
 *                   {@code LACNIC}, {@code RIPE}): DNS's geographic policies and GSLB's regions
 * @param countries  ISO 3166 country codes served best by this site (DNS, with a geo database)
 * @param location   {@code "latitude,longitude"} in degrees; default the region's centre
 * @param weight     share for the DNS {@code weighted} policy (0 = never first)
 * @param vips       the addresses clients reach the site at
 * @param nodes      the site's lower-tier GSLB DNS servers (for {@code tier: upper} DNS records)
 * @param redirectTo base URL that HTTP hand-off redirects to ({@code http://host:port});
 *                   default {@code http://} + the first VIP's {@link VipConfig#endpoint()}
 * @param memberVips {@code true}: in a cluster, DNS answers for this site also name the proxy address
 *                   of every live cluster member of the site (after the configured {@code vips}), so a
 *                   proxy node the autoscaler starts is answered once it registers, and one draining is
 *                   not; default {@code false}
 */
public record SiteConfig(@Required String name, String region, List<String> countries, String location, Integer weight,
                         List<VipConfig> vips, List<NodeConfig> nodes, String redirectTo,
                         Boolean memberVips) {

    public SiteConfig {
        region = region == null ? "" : region;
        countries = countries == null ? List.of() : List.copyOf(countries);
        weight = weight == null ? 1 : weight;
        vips = vips == null ? List.of() : List.copyOf(vips);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        memberVips = memberVips != null && memberVips;
    }

    /** Where a request handed off to this site goes, without the path. */
    public String redirectBase() {
        if (redirectTo != null && !redirectTo.isBlank()) {
            return redirectTo.endsWith("/") ? redirectTo.substring(0, redirectTo.length() - 1) : redirectTo;
        }
        return vips.isEmpty() ? "" : "http://" + vips.getFirst().endpoint();
    }

    /** The site with this name in {@code sites}, or {@code null}. */
    public static SiteConfig named(List<SiteConfig> sites, String name) {
        for (SiteConfig s : sites) {
            if (s.name() != null && s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
