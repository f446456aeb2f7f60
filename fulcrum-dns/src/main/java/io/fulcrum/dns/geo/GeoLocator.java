package io.fulcrum.dns.geo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Places a client address: with the country database when one is configured (its
 * answers for IPv4 /24s are remembered in a small direct-mapped table), else with the
 * built-in registry table. Thread-safe.
 */
public final class GeoLocator {

    private static final int CACHE_SIZE = 1 << 14;

    private final RegistryTable table = RegistryTable.builtIn();
    private final CountryDatabase database;
    private final AtomicLongArray v4Cache = new AtomicLongArray(CACHE_SIZE);

    /** @param database a country database, or {@code null} for the built-in table only */
    public GeoLocator(CountryDatabase database) {
        this.database = database;
    }

    public CountryDatabase database() {
        return database;
    }

    /** Places an IPv4 address given as an int. */
    public int locateV4(int address) {
        if (database == null) {
            Region r = table.regionOf(address);
            return Location.pack(Location.ofRegion(r), r == null ? 0 : 8);
        }
        int key = address >>> 8;
        int slot = (key * 0x9E3779B1) >>> (32 - 14);
        long cached = v4Cache.getPlain(slot);
        if (cached != 0 && (int) (cached >>> 32) == key + 1) {
            return (int) cached;
        }
        int loc;
        try {
            loc = database.locate(InetAddress.getByAddress(new byte[] {
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address}));
        } catch (UnknownHostException e) {
            return Location.pack(Location.UNKNOWN, 0);
        }
        if (Location.classOf(loc) == Location.UNKNOWN) {
            Region r = table.regionOf(address);
            loc = Location.pack(Location.ofRegion(r), r == null ? Location.prefixOf(loc) : 8);
        }
        if (Location.prefixOf(loc) <= 24) {
            v4Cache.setPlain(slot, ((long) (key + 1) << 32) | (loc & 0xFFFFFFFFL));
        }
        return loc;
    }

    /** Places a 16-byte IPv6 address. */
    public int locateV6(byte[] address) {
        if (database != null) {
            try {
                int loc = database.locate(InetAddress.getByAddress(address));
                if (Location.classOf(loc) != Location.UNKNOWN) {
                    return loc;
                }
            } catch (UnknownHostException e) {
                // fall through to the table
            }
        }
        Region r = table.regionOfV6(address);
        return Location.pack(Location.ofRegion(r), r == null ? 0 : table.prefixOfV6(address));
    }
}
