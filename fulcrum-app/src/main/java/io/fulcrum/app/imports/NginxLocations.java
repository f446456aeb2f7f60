package io.fulcrum.app.imports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Puts the {@code location} blocks of one NGINX server in the order Fulcrum's first-match routes
 * reproduce NGINX's choice: exact ({@code =}) first, then the {@code ^~} prefixes longest first,
 * then the regular expressions ({@code ~}, {@code ~*}) in file order, then the other prefixes
 * longest first; and gives each one its path condition.
 */
final class NginxLocations {

    /** One location with its path condition. */
    record Location(Directive directive, MatchDraft path, int rank, int length, int order) {
    }

    private NginxLocations() {
    }

    /**
     * The locations among {@code server}'s directives, in matching order.
     *
     * @param warnings told about the locations that have no path condition Fulcrum can express
     */
    static List<Location> ordered(Directive server, ImportWarnings warnings) {
        List<Location> out = new ArrayList<>();
        int order = 0;
        for (Directive d : server.block()) {
            if (!d.name().equals("location")) {
                continue;
            }
            order++;
            List<String> a = d.args();
            if (a.isEmpty()) {
                warnings.notConverted(d, "a location needs a path");
                continue;
            }
            String modifier = a.size() >= 2 ? a.getFirst() : "";
            String path = a.size() >= 2 ? a.get(1) : a.getFirst();
            switch (modifier) {
                case "=" -> out.add(new Location(d, MatchDraft.regex(Pattern.quote(path)), 0, path.length(), order));
                case "^~" -> out.add(new Location(d, prefix(path), 1, path.length(), order));
                case "~" -> out.add(new Location(d, MatchDraft.regex(".*(?:" + path + ").*"), 2, 0, order));
                case "~*" -> out.add(new Location(d, MatchDraft.regex("(?i).*(?:" + path + ").*"), 2, 0, order));
                case "" -> {
                    if (path.startsWith("@")) {
                        warnings.notConverted(d, "a named location is only reached by internal redirects");
                    } else {
                        out.add(new Location(d, prefix(path), 3, path.length(), order));
                    }
                }
                default -> warnings.notConverted(d, "unknown location modifier " + modifier);
            }
        }
        out.sort(Comparator.comparingInt(Location::rank)
                .thenComparing(l -> l.rank() == 2 ? 0 : -l.length())
                .thenComparingInt(Location::order));
        return out;
    }

    private static MatchDraft prefix(String path) {
        if (path.equals("/") || path.isEmpty()) {
            return MatchDraft.ANY;
        }
        return path.startsWith("/") ? MatchDraft.prefix(path) : MatchDraft.regex(Pattern.quote(path) + ".*");
    }
}
