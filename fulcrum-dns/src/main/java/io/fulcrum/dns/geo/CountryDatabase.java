package io.fulcrum.dns.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Reader;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;

/**
 * A MaxMind-format ({@code .mmdb}) country database: GeoIP2/GeoLite2 Country, DB-IP
 * country, or the {@code geo-whois-asn-country} database of the ip-location-db project.
 * Read with MaxMind's reader; both the GeoIP2 layout ({@code country.iso_code}) and the
 * flat one ({@code country_code}) are understood.
 */
public final class CountryDatabase implements Closeable {

    private final Reader reader;
    private final String path;

    private CountryDatabase(Reader reader, String path) {
        this.reader = reader;
        this.path = path;
    }

    /** Opens a database file. */
    public static CountryDatabase open(String path) throws IOException {
        return new CountryDatabase(new Reader(new File(path), new CHMCache()), path);
    }

    public String path() {
        return path;
    }

    /**
     * Looks up an address.
     *
     * @return a packed {@link Location} (country class and the prefix length of the matching network)
     */
    public int locate(InetAddress address) {
        try {
            @SuppressWarnings("rawtypes")
            DatabaseRecord<Map> r = reader.getRecord(address, Map.class);
            int prefix = r.getNetwork() == null ? 0 : r.getNetwork().getPrefixLength();
            if (address.getAddress().length == 16 && prefix > 128) {
                prefix = 128;
            }
            Object data = r.getData();
            String code = null;
            if (data instanceof Map<?, ?> m) {
                Object cc = m.get("country_code");
                if (cc == null && m.get("country") instanceof Map<?, ?> country) {
                    cc = country.get("iso_code");
                }
                if (cc == null && m.get("registered_country") instanceof Map<?, ?> country) {
                    cc = country.get("iso_code");
                }
                code = cc instanceof String s ? s : null;
            }
            return Location.pack(Location.ofCountry(CountryRegions.index(code)), prefix);
        } catch (IOException | RuntimeException e) {
            return Location.pack(Location.UNKNOWN, 0);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
