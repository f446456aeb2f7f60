package io.fulcrum.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed access-log text template: literal text and {@code %{field}} placeholders, in order.
 * {@code %%} writes one {@code %}.
 *
 * @param literals {@code literals[i]} is the text before {@code fields[i]}; one more literal than fields (the tail)
 * @param fields   the placeholders' fields
 */
public record AccessLogTemplate(List<String> literals, List<AccessLogField> fields) {

    /**
     * Parses {@code template}.
     *
     * @throws IllegalArgumentException saying what is wrong (an unknown field, an unclosed placeholder, a lone {@code %})
     */
    public static AccessLogTemplate parse(String template) {
        List<String> literals = new ArrayList<>();
        List<AccessLogField> fields = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '%') {
                text.append(c);
                i++;
                continue;
            }
            if (i + 1 < template.length() && template.charAt(i + 1) == '%') {
                text.append('%');
                i += 2;
                continue;
            }
            if (i + 1 >= template.length() || template.charAt(i + 1) != '{') {
                throw new IllegalArgumentException("a % at character " + (i + 1)
                        + " starts neither a field (%{name}) nor %% (a literal %)");
            }
            int end = template.indexOf('}', i + 2);
            if (end < 0) {
                throw new IllegalArgumentException("the field at character " + (i + 1) + " has no closing }");
            }
            String name = template.substring(i + 2, end);
            AccessLogField f = AccessLogField.byName(name);
            if (f == null) {
                throw new IllegalArgumentException("unknown field %{" + name + "}; known: " + knownNames());
            }
            literals.add(text.toString());
            text.setLength(0);
            fields.add(f);
            i = end + 1;
        }
        literals.add(text.toString());
        return new AccessLogTemplate(List.copyOf(literals), List.copyOf(fields));
    }

    /** Every field name, comma-separated, for error messages. */
    public static String knownNames() {
        StringBuilder sb = new StringBuilder();
        for (AccessLogField f : AccessLogField.values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(f.fieldName());
        }
        return sb.toString();
    }
}
