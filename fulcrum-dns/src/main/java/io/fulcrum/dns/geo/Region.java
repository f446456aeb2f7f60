package io.fulcrum.dns.geo;

/**
 * The five regional Internet registries' service regions, with a representative point of
 * each (a large interconnection city in the region) for "nearest site" distances.
 */
public enum Region {
    AFRINIC(-1.29, 36.82),   // Nairobi
    APNIC(1.35, 103.82),     // Singapore
    ARIN(39.04, -77.49),     // Ashburn
    LACNIC(-23.55, -46.63),  // São Paulo
    RIPE(50.11, 8.68);       // Frankfurt

    private final double latitude;
    private final double longitude;

    Region(double latitude, double longitude) {
        this.latitude = latitude;
        this.longitude = longitude;
    }

    public double latitude() {
        return latitude;
    }

    public double longitude() {
        return longitude;
    }

    /** The region with this name (any case), or {@code null}. */
    public static Region parse(String name) {
        if (name == null) {
            return null;
        }
        for (Region r : values()) {
            if (r.name().equalsIgnoreCase(name) || (r == RIPE && name.equalsIgnoreCase("RIPE NCC"))) {
                return r;
            }
        }
        return null;
    }

    /** Great-circle distance in kilometres. */
    public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 6371.0 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
    }
}
