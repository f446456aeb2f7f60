package io.fulcrum.dns.geo;

/**
 * Where a client was placed, packed in an int so the hot path allocates nothing: a
 * location class (unknown, a region, or a country) and the prefix length the placement
 * holds for (the ECS scope to answer with).
 */
public final class Location {

    /** Number of location classes: unknown, 5 regions, 676 country codes. */
    public static final int CLASSES = 16 + 26 * 26;
    public static final int UNKNOWN = 0;

    private Location() {
    }

    public static int pack(int locationClass, int prefix) {
        return (locationClass << 8) | (prefix & 0xFF);
    }

    public static int classOf(int packed) {
        return packed >>> 8;
    }

    public static int prefixOf(int packed) {
        return packed & 0xFF;
    }

    /** The class of a region. */
    public static int ofRegion(Region r) {
        return r == null ? UNKNOWN : 1 + r.ordinal();
    }

    /** The class of a country (by {@link CountryRegions#index}). */
    public static int ofCountry(int countryIndex) {
        return countryIndex < 0 ? UNKNOWN : 16 + countryIndex;
    }

    /** The region of a class, or {@code null} when unknown. */
    public static Region region(int locationClass) {
        if (locationClass >= 16) {
            return CountryRegions.regionOf(locationClass - 16);
        }
        return locationClass == UNKNOWN ? null : Region.values()[locationClass - 1];
    }

    /** The country code of a class, or {@code null}. */
    public static String country(int locationClass) {
        return locationClass >= 16 ? CountryRegions.code(locationClass - 16) : null;
    }
}
