package io.fulcrum.core.config.gslb;

import java.util.List;

/**
 * One site (data centre, region, zone) and its VIPs.
 *
 * @param name        unique name
 * @param region      region name, for geographic policies
 * @param coordinates optional {@code "latitude,longitude"} in degrees
 * @param vips        the addresses clients use to reach the site
 * @param redirectTo  base URL that HTTP hand-off redirects to ({@code http://host:port}); default {@code http://} + the first VIP
 */
public record SiteConfig(String name, String region, String coordinates, List<VipConfig> vips, String redirectTo) {

    public SiteConfig {
        region = region == null ? "" : region;
        vips = vips == null ? List.of() : List.copyOf(vips);
    }

    /** Where a request handed off to this site goes, without the path. */
    public String redirectBase() {
        if (redirectTo != null && !redirectTo.isBlank()) {
            return redirectTo.endsWith("/") ? redirectTo.substring(0, redirectTo.length() - 1) : redirectTo;
        }
        return vips.isEmpty() ? "" : "http://" + vips.getFirst().address();
    }
}
