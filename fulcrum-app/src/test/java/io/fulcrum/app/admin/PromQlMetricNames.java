package io.fulcrum.app.admin;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, read by a small tokenizer: string literals,
 * label matchers ({@code {...}}), ranges ({@code [...]}) and the label lists of
 * {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_left}/{@code group_right}
 * are skipped; what remains of the identifiers are keywords, functions (followed by
 * {@code (}) and metric names. Grafana's {@code label_values(metric, label)} names its metric
 * first. Expressions this does not balance (an unclosed brace, bracket or quote) are refused.
 */
final class PromQlMetricNames {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");

    private PromQlMetricNames() {
    }

    /** The metric names in {@code expr} (a PromQL expression or a Grafana {@code label_values} query). */
    static Set<String> of(String expr) {
        Matcher lv = LABEL_VALUES.matcher(expr);
        if (lv.find()) {
            return Set.of(lv.group(1));
        }
        String s = stripDelimited(expr);
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            boolean call = after < s.length() && s.charAt(after) == '(';
            boolean number = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
            if (call || number || KEYWORDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            names.add(id);
        }
        return names;
    }

    /** The expression with string literals, label matchers and ranges blanked out. */
    private static String stripDelimited(String expr) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                int end = closingQuote(expr, i);
                out.append(' ');
                i = end + 1;
            } else if (c == '{' || c == '[') {
                char close = c == '{' ? '}' : ']';
                int j = i + 1;
                while (j < expr.length() && expr.charAt(j) != close) {
                    char d = expr.charAt(j);
                    j = d == '"' || d == '\'' || d == '`' ? closingQuote(expr, j) + 1 : j + 1;
                }
                if (j >= expr.length()) {
                    throw new IllegalArgumentException("unclosed " + c + " in " + expr);
                }
                out.append(' ');
                i = j + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int closingQuote(String expr, int open) {
        char q = expr.charAt(open);
        for (int j = open + 1; j < expr.length(); j++) {
            char c = expr.charAt(j);
            if (c == '\\' && q != '`') {
                j++;
            } else if (c == q) {
                return j;
            }
        }
        throw new IllegalArgumentException("unclosed " + q + " in " + expr);
    }
}
