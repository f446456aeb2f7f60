package io.fulcrum.dns.geo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in address-block table ({@code registry-blocks.txt}): an IPv4 /8 or an IPv6
 * prefix to the regional registry region. Loaded once; lookups allocate nothing for IPv4.
 */
public final class RegistryTable {

    private static final RegistryTable INSTANCE = load();

    private final Region[] v4 = new Region[256];
    private final List<V6Block> v6 = new ArrayList<>();

    private record V6Block(byte[] prefix, int length, Region region) {
        boolean contains(byte[] a) {
            int full = length / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = length % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (prefix[full] & mask);
        }
    }

    private RegistryTable() {
    }

    /** The table shipped with Fulcrum. */
    public static RegistryTable builtIn() {
        return INSTANCE;
    }

    /** The region of an IPv4 address (as an int), or {@code null} (private, reserved). */
    public Region regionOf(int ipv4) {
        return v4[ipv4 >>> 24];
    }

    /** The region of a 16-byte IPv6 address, or {@code null}; the longest prefix wins. */
    public Region regionOfV6(byte[] address) {
        V6Block best = null;
        for (V6Block b : v6) {
            if (b.contains(address) && (best == null || b.length > best.length)) {
                best = b;
            }
        }
        return best == null ? null : best.region;
    }

    /** The prefix length of the IPv6 block that located this address (0 when none). */
    public int prefixOfV6(byte[] address) {
        int best = 0;
        for (V6Block b : v6) {
            if (b.contains(address) && b.length > best) {
                best = b.length;
            }
        }
        return best;
    }

    private static RegistryTable load() {
        RegistryTable t = new RegistryTable();
        try (InputStream in = RegistryTable.class.getResourceAsStream("registry-blocks.txt")) {
            if (in == null) {
                throw new IllegalStateException("registry-blocks.txt is missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                Region region = Region.parse(f[1]);
                if (f[0].contains(":")) {
                    String[] pl = f[0].split("/");
                    byte[] prefix = InetAddress.ofLiteral(pl[0]).getAddress();
                    t.v6.add(new V6Block(prefix, Integer.parseInt(pl[1]), region));
                } else {
                    String[] range = f[0].split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                    for (int i = from; i <= to; i++) {
                        t.v4[i] = region;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }
}
