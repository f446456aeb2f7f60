package io.fulcrum.control.config;

import io.fulcrum.control.config.YamlTree.Entry;
import io.fulcrum.control.config.YamlTree.ListNode;
import io.fulcrum.control.config.YamlTree.Loc;
import io.fulcrum.control.config.YamlTree.MapNode;
import io.fulcrum.control.config.YamlTree.Node;
import io.fulcrum.control.config.YamlTree.ScalarNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in the scalar values of a
 * {@link YamlTree} (never in keys) with the variables' values, before the tree is bound;
 * {@code $${} is a literal {@code ${}. Working on the tree rather than on the text keeps
 * every line and column as written, and a value can never change the document's
 * structure: a value substituted into a plain scalar is typed as YAML types a plain
 * scalar ({@code 8080} a number, {@code true} a boolean, nothing at all "not set"), one
 * substituted into a quoted scalar stays a string.
 *
 * <p>{@code ${NAME:-default}} takes the default when the variable is unset or empty, as a
 * shell does. A variable that is unset and has no default, and a {@code ${} that is not a
 * well-formed reference, are errors at the value's line; the value is then left as written
 * and its path listed ({@link Result#failedPaths()}) so that the loader does not report it a
 * second time.
 */
final class VariableSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final ConfigVariables variables;
    private final List<ConfigError> errors = new ArrayList<>();
    private final List<String> failedPaths = new ArrayList<>();

    private VariableSubstitution(ConfigVariables variables) {
        this.variables = variables;
    }

    /** The outcome: the tree with every reference replaced, and the problems found. */
    record Result(Node root, List<ConfigError> errors, List<String> failedPaths) {
    }

    /** Substitutes every reference in the tree's scalar values. */
    static Result apply(Node root, ConfigVariables variables) {
        VariableSubstitution s = new VariableSubstitution(variables);
        Node out = s.node(root, "");
        return new Result(out, List.copyOf(s.errors), List.copyOf(s.failedPaths));
    }

    private Node node(Node node, String path) {
        return switch (node) {
            case MapNode m -> {
                List<Entry> entries = new ArrayList<>(m.entries().size());
                for (Entry e : m.entries()) {
                    entries.add(new Entry(e.key(), e.keyLoc(), node(e.value(), SourceMap.field(path, e.key()))));
                }
                yield new MapNode(m.loc(), List.copyOf(entries));
            }
            case ListNode l -> {
                List<Node> items = new ArrayList<>(l.items().size());
                for (int i = 0; i < l.items().size(); i++) {
                    items.add(node(l.items().get(i), SourceMap.index(path, i)));
                }
                yield new ListNode(l.loc(), List.copyOf(items));
            }
            case ScalarNode s -> s.kind() == YamlTree.Kind.STRING && s.text().indexOf('$') >= 0 ? scalar(s, path) : s;
        };
    }

    private Node scalar(ScalarNode s, String path) {
        String text = s.text();
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (c != '$' || !text.startsWith("${", i)) {
                out.append(c);
                i++;
                continue;
            }
            int close = text.indexOf('}', i + 2);
            if (close < 0) {
                return fail(s, path, i, "\"${\" without a closing \"}\"; write \"$${\" for a literal \"${\"");
            }
            String reference = text.substring(i + 2, close);
            int colon = reference.indexOf(":-");
            String name = colon < 0 ? reference : reference.substring(0, colon);
            if (!NAME.matcher(name).matches()) {
                return fail(s, path, i, "\"${" + reference + "}\" is not a variable reference: write ${NAME} or "
                        + "${NAME:-default}, with a name of letters, digits and _ (or \"$${\" for a literal \"${\")");
            }
            String value = variables.lookup(name);
            if (colon >= 0 && (value == null || value.isEmpty())) {
                value = reference.substring(colon + 2);
            }
            if (value == null) {
                return fail(s, path, i, "environment variable " + name + " is not set (set it, or give a default: ${"
                        + name + ":-default})");
            }
            out.append(value);
            i = close + 1;
        }
        String result = out.toString();
        return s.plain() ? typedAsPlain(s.loc(), result) : new ScalarNode(s.loc(), YamlTree.Kind.STRING, result,
                null, false, false);
    }

    /**
     * The value as YAML would read it written plain at this place, but only as a single
     * scalar: a value that would read as a list, a mapping or anything else than one number,
     * boolean or null (and not one followed by a comment) stays the string it is, so a variable never
     * adds structure.
     */
    private static ScalarNode typedAsPlain(Loc loc, String value) {
        if (value.isBlank()) {
            return new ScalarNode(loc, YamlTree.Kind.NULL, "", null, false, true);
        }
        try {
            if (YamlTree.parse(value) instanceof ScalarNode typed && typed.kind() != YamlTree.Kind.STRING
                    && (typed.kind() == YamlTree.Kind.NULL || typed.text().equals(value.strip()))) {
                return new ScalarNode(loc, typed.kind(), typed.text(), typed.integer(), typed.bool(), true);
            }
        } catch (YamlTree.SyntaxError notOneScalar) {
            // A value such as "a: b: c" or "*x": it is a string.
        }
        return new ScalarNode(loc, YamlTree.Kind.STRING, value, null, false, true);
    }

    /**
     * Reports a problem at the reference itself when that column is known (a plain scalar on
     * one line is written exactly as its text), else at the value.
     */
    private Node fail(ScalarNode s, String path, int offset, String message) {
        Loc loc = s.loc();
        int column = s.plain() && loc.column() > 0 && s.text().indexOf('\n') < 0 ? loc.column() + offset : loc.column();
        errors.add(new ConfigError(path, loc.line(), column, message));
        failedPaths.add(path);
        return s;
    }
}
