package io.fulcrum.dns.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real country database for the tests: the CC0-licensed {@code geo-whois-asn-country}
 * {@code .mmdb} of the ip-location-db project, fetched once with {@code npm pack} into
 * {@code target/geo-mmdb/}. When npm cannot reach its registry the calling test is
 * skipped, saying so.
 */
public final class GeoDatabaseFixture {

    private static final String PACKAGE = "@ip-location-db/geo-whois-asn-country-mmdb";
    private static final Path DIR = Path.of("target", "geo-mmdb");
    private static final Path DATABASE = DIR.resolve("package").resolve("geo-whois-asn-country.mmdb");

    private GeoDatabaseFixture() {
    }

    /** The database file, fetching it if needed (or skips the test). */
    public static synchronized Path database() {
        if (Files.isRegularFile(DATABASE)) {
            return DATABASE.toAbsolutePath();
        }
        try {
            Files.createDirectories(DIR);
            Tools.run(List.of("npm", "pack", PACKAGE, "--pack-destination", DIR.toString(), "--silent"), 120);
            Path tgz;
            try (var files = Files.list(DIR)) {
                tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst().orElseThrow();
            }
            Tools.run(List.of("tar", "xzf", tgz.toString(), "-C", DIR.toString(), "package/geo-whois-asn-country.mmdb"));
        } catch (Exception e) {
            Assumptions.abort("SKIPPED: cannot fetch " + PACKAGE + " with npm (is npm installed and the npm registry "
                    + "reachable?): " + e.getMessage());
        }
        return DATABASE.toAbsolutePath();
    }
}
