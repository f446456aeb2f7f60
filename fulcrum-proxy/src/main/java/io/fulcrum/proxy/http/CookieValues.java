package io.fulcrum.proxy.http;

/** Finds one cookie's value in a {@code Cookie} header without decoding the others. */
final class CookieValues {

    private CookieValues() {
    }

    /** The value of cookie {@code name} in {@code header} ({@code a=1; b=2}), unquoted; null when absent. */
    static String find(String header, String name) {
        int len = header.length();
        int i = 0;
        while (i < len) {
            while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            int end = header.indexOf(';', eq);
            if (end < 0) {
                end = len;
            }
            if (eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
                String v = header.substring(eq + 1, end).trim();
                if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
            i = end + 1;
        }
        return null;
    }
}
