package io.fulcrum.control.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A YAML document as a small tree whose every node and key keeps its line and column.
 * Built from one pass over Jackson's YAML token stream (Jackson's own {@code JsonNode}
 * tree forgets locations, and its data binding stops at the first problem).
 */
final class YamlTree {

    /** A 1-based position in the source; {@link #NONE} when unknown. */
    record Loc(int line, int column) {
        static final Loc NONE = new Loc(0, 0);

        static Loc of(JsonLocation l) {
            return l == null || l.getLineNr() <= 0 ? NONE : new Loc(l.getLineNr(), Math.max(l.getColumnNr(), 0));
        }
    }

    sealed interface Node permits MapNode, ListNode, ScalarNode {
        Loc loc();
    }

    /** One {@code key: value} of a mapping; {@code keyLoc} is where the key is written. */
    record Entry(String key, Loc keyLoc, Node value) {
    }

    record MapNode(Loc loc, List<Entry> entries) implements Node {
    }

    record ListNode(Loc loc, List<Node> items) implements Node {
    }

    enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

    /**
     * A scalar.
     *
     * @param text    the scalar as written (without quotes)
     * @param integer the value of an {@link Kind#INTEGER} scalar (YAML allows {@code 0x10}, {@code 1_000})
     * @param bool    the value of a {@link Kind#BOOLEAN} scalar
     * @param plain   written without quotes, block indicator or tag, so that YAML read its type from its text
     *                (what a substituted variable's value is typed by, see {@link VariableSubstitution})
     */
    record ScalarNode(Loc loc, Kind kind, String text, BigInteger integer, boolean bool, boolean plain) implements Node {
    }

    /** Thrown for text that is not YAML; carries the position of the problem. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Loc loc;

        SyntaxError(Loc loc, String message) {
            super(message, null, false, false);
            this.loc = loc;
        }
    }

    /** A key with nothing after it ({@code server:}) is null, i.e. "use the defaults", not an empty string. */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private YamlTree() {
    }

    /**
     * Reads a single YAML document.
     *
     * @return the root node, or {@code null} for a document with no content (empty or only comments)
     */
    static Node parse(String yaml) throws SyntaxError {
        try (JsonParser p = FACTORY.createParser(yaml)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            Node root = read(p, first, yaml);
            JsonToken next = p.nextToken();
            if (next != null) {
                throw new SyntaxError(Loc.of(p.currentTokenLocation()),
                        "a second YAML document (after \"---\"); the configuration is one document");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw translate(e);
        } catch (IOException e) {
            throw new SyntaxError(Loc.NONE, "cannot read YAML: " + e.getMessage());
        }
    }

    private static Node read(JsonParser p, JsonToken t, String yaml) throws IOException, SyntaxError {
        Loc loc = Loc.of(p.currentTokenLocation());
        switch (t) {
            case START_OBJECT -> {
                List<Entry> entries = new ArrayList<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Loc keyLoc = Loc.of(p.currentTokenLocation());
                    JsonToken v = p.nextToken();
                    if (v == null) {
                        throw new SyntaxError(keyLoc, "unexpected end of document after key \"" + key + "\"");
                    }
                    entries.add(new Entry(key, keyLoc, read(p, v, yaml)));
                }
                if (k != JsonToken.END_OBJECT) {
                    throw new SyntaxError(Loc.of(p.currentTokenLocation()), "unexpected end of document in a mapping");
                }
                return new MapNode(loc, List.copyOf(entries));
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                JsonToken v;
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (v == null) {
                        throw new SyntaxError(Loc.of(p.currentTokenLocation()), "unexpected end of document in a list");
                    }
                    items.add(read(p, v, yaml));
                }
                return new ListNode(loc, List.copyOf(items));
            }
            case VALUE_STRING -> {
                if (p instanceof YAMLParser yp && yp.isCurrentAlias()) {
                    throw new SyntaxError(loc, "YAML aliases (*" + p.getText()
                            + ") are not supported; write the value out in full");
                }
                return new ScalarNode(loc, Kind.STRING, p.getText(), null, false,
                        isPlain(yaml, p.currentTokenLocation().getCharOffset()));
            }
            case VALUE_NUMBER_INT -> {
                return new ScalarNode(loc, Kind.INTEGER, p.getText(), p.getBigIntegerValue(), false, true);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new ScalarNode(loc, Kind.FLOAT, p.getText(), null, false, true);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new ScalarNode(loc, Kind.BOOLEAN, p.getText(), null, t == JsonToken.VALUE_TRUE, true);
            }
            case VALUE_NULL -> {
                return new ScalarNode(loc, Kind.NULL, "", null, false, true);
            }
            default -> throw new SyntaxError(loc, "unsupported YAML value (binary and other tagged values"
                    + " cannot be used in the configuration)");
        }
    }

    /**
     * Whether the scalar that starts at this offset is written plain: its first character is
     * none of a quote, a block scalar's indicator, a tag or an anchor. The YAML parser counts offsets in
     * code points.
     */
    private static boolean isPlain(String yaml, long codePointOffset) {
        if (codePointOffset < 0 || codePointOffset > Integer.MAX_VALUE) {
            return false;
        }
        int index;
        try {
            index = yaml.offsetByCodePoints(0, (int) codePointOffset);
        } catch (IndexOutOfBoundsException e) {
            return false;
        }
        if (index >= yaml.length()) {
            return true; // an empty plain scalar at the end of the text
        }
        char first = yaml.charAt(index);
        return first != '"' && first != '\'' && first != '|' && first != '>' && first != '!'
                && first != '&';
    }

    /**
     * Turns a parser exception into a message and position. SnakeYAML (under Jackson) knows
     * the exact position of the problem, and the context ("while parsing a flow sequence");
     * Jackson's own location is sometimes the previous token's.
     */
    private static SyntaxError translate(JsonProcessingException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
                Loc loc = m.getProblemMark() != null
                        ? new Loc(m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1)
                        : Loc.of(e.getLocation());
                StringBuilder msg = new StringBuilder("YAML syntax: ");
                msg.append(clean(m.getProblem() != null ? m.getProblem() : m.getMessage()));
                if (m.getContext() != null) {
                    msg.append(" (").append(clean(m.getContext()));
                    if (m.getContextMark() != null) {
                        msg.append(" that starts at line ").append(m.getContextMark().getLine() + 1)
                                .append(", column ").append(m.getContextMark().getColumn() + 1);
                    }
                    msg.append(')');
                }
                return new SyntaxError(loc, msg.toString());
            }
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.contains("nesting depth")) {
            return new SyntaxError(Loc.of(e.getLocation()), "YAML syntax: nested more than 1000 levels deep");
        }
        if (original.startsWith("Expected a field name")) {
            return new SyntaxError(Loc.of(e.getLocation()), "YAML syntax: mapping keys must be plain values, not lists or mappings");
        }
        int cut = original.indexOf('\n');
        return new SyntaxError(Loc.of(e.getLocation()), "YAML syntax: " + (cut < 0 ? original : original.substring(0, cut)));
    }

    private static String clean(String s) {
        return s.replace("\\t(TAB)", "tab").strip();
    }
}
