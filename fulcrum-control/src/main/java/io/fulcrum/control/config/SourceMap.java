package io.fulcrum.control.config;

import io.fulcrum.control.config.YamlTree.Loc;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where each field path was written in the source: {@code pools[1].backends[0].weight} →
 * line and column. A path that is not in the file (a field left to its default) is found
 * at its nearest written ancestor, so every error gets a useful line.
 *
 * <p>Also builds the path strings, so that the binder and the validator agree on them.
 */
final class SourceMap {

    static final SourceMap EMPTY = new SourceMap();

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private final Map<String, Loc> locations = new HashMap<>();

    void put(String path, Loc loc) {
        if (this != EMPTY) {
            locations.putIfAbsent(path, loc);
        }
    }

    /** Whether this exact path was written in the source. */
    boolean has(String path) {
        return locations.containsKey(path);
    }

    /** The location of the path, or of its nearest ancestor that was written; {@link Loc#NONE} if none. */
    Loc find(String path) {
        String p = path;
        while (p != null) {
            Loc l = locations.get(p);
            if (l != null) {
                return l;
            }
            p = parent(p);
        }
        return Loc.NONE;
    }

    /** {@code parent.field}, or {@code field} at the top. */
    static String field(String parent, String name) {
        if (!PLAIN_KEY.matcher(name).matches()) {
            return parent + "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        }
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** {@code parent[index]}. */
    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The enclosing path, {@code ""} for a top-level field, {@code null} for {@code ""}. */
    static String parent(String path) {
        if (path.isEmpty()) {
            return null;
        }
        if (path.endsWith("\"]")) {
            int open = path.lastIndexOf("[\"");
            while (open > 0 && isEscaped(path, open + 1)) {
                open = path.lastIndexOf("[\"", open - 1);
            }
            return open <= 0 ? "" : path.substring(0, open);
        }
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "" : path.substring(0, cut);
    }

    /** Whether {@code path} is {@code ancestor} or lies under it. */
    static boolean isUnder(String path, String ancestor) {
        if (ancestor.isEmpty() || path.equals(ancestor)) {
            return true;
        }
        return path.startsWith(ancestor)
                && (path.charAt(ancestor.length()) == '.' || path.charAt(ancestor.length()) == '[');
    }

    private static boolean isEscaped(String s, int quoteIndex) {
        int backslashes = 0;
        for (int i = quoteIndex - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
