package io.fulcrum.control.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean ...?" for misspelt field and reference names. */
final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate closest to {@code given}, or {@code null} when none is close. Case, dashes and
     * underscores are ignored first ({@code path_prefix} → {@code pathPrefix}); otherwise a small
     * edit distance, relative to the length, is allowed.
     */
    static String closest(String given, Collection<String> candidates) {
        if (given == null || given.isEmpty()) {
            return null;
        }
        String g = normalize(given);
        for (String c : candidates) {
            if (normalize(c).equals(g)) {
                return c;
            }
        }
        if (g.length() >= 3) {
            String prefixed = null;
            for (String c : candidates) {
                if (normalize(c).startsWith(g)) {
                    if (prefixed != null) {
                        prefixed = null;
                        break;
                    }
                    prefixed = c;
                }
            }
            if (prefixed != null) {
                return prefixed;
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int allowed = given.length() <= 4 ? 1 : given.length() <= 8 ? 2 : 3;
        for (String c : candidates) {
            int d = distance(g, normalize(c));
            if (d <= allowed && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** {@code " (did you mean \"x\"?)"} or the empty string. */
    static String didYouMean(String given, Collection<String> candidates) {
        String c = closest(given, candidates);
        return c == null ? "" : " (did you mean \"" + c + "\"?)";
    }

    private static String normalize(String s) {
        return s.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
