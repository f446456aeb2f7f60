package io.fulcrum.dns.geo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Country code to registry region ({@code country-regions.txt}); unlisted countries are RIPE's. */
public final class CountryRegions {

    private static final Region[] TABLE = load();

    private CountryRegions() {
    }

    /** The index of a two-letter code (0–675), or -1 when it is not two letters A–Z. */
    public static int index(String code) {
        if (code == null || code.length() != 2) {
            return -1;
        }
        int a = Character.toUpperCase(code.charAt(0)) - 'A';
        int b = Character.toUpperCase(code.charAt(1)) - 'A';
        if (a < 0 || a >= 26 || b < 0 || b >= 26) {
            return -1;
        }
        return a * 26 + b;
    }

    /** The code at this index. */
    public static String code(int index) {
        return "" + (char) ('A' + index / 26) + (char) ('A' + index % 26);
    }

    /** The region of a country by index. */
    public static Region regionOf(int index) {
        Region r = TABLE[index];
        return r == null ? Region.RIPE : r;
    }

    private static Region[] load() {
        Region[] t = new Region[26 * 26];
        try (InputStream in = CountryRegions.class.getResourceAsStream("country-regions.txt")) {
            if (in == null) {
                throw new IllegalStateException("country-regions.txt is missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                Region region = Region.parse(f[0]);
                for (int i = 1; i < f.length; i++) {
                    t[index(f[i])] = region;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }
}
