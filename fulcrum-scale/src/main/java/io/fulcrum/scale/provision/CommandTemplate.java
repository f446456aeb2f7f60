package io.fulcrum.scale.provision;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of a provisioner's command, environment or unit settings:
 * {@code {port}}, {@code {name}}, {@code {address}}, {@code {pool}} and {@code {generation}},
 * replaced by the member's values. Anything else between braces that looks like a
 * placeholder is refused when the configuration is loaded, so a typo does not reach a
 * command line.
 */
final class CommandTemplate {

    /** The placeholders a template may use, each written between braces. */
    static final Set<String> PLACEHOLDERS = Set.of("port", "name", "address", "pool", "generation");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_-]*)}");

    private CommandTemplate() {
    }

    /** The placeholders written in {@code text} that are not known, in order; empty when all are. */
    static List<String> unknownPlaceholders(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return List.copyOf(out);
    }

    /** The message for an unknown placeholder, listing the known ones. */
    static String unknownMessage(List<String> unknown) {
        return "unknown placeholder " + String.join(", ", unknown.stream().map(u -> "{" + u + "}").toList())
                + "; known: {port}, {name}, {address}, {pool}, {generation}";
    }

    /** {@code text} with every known placeholder replaced by its value in {@code values}. */
    static String expand(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Every element of {@code argv} expanded. */
    static List<String> expand(List<String> argv, Map<String, String> values) {
        List<String> out = new ArrayList<>(argv.size());
        for (String a : argv) {
            out.add(expand(a, values));
        }
        return out;
    }
}
