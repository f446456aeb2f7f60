package io.fulcrum.app.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an NGINX configuration into its directive tree: {@code name args;} and
 * {@code name args { ... }}, with {@code #} comments, single and double quotes (backslash escapes
 * inside) and {@code ${var}} kept inside words, as NGINX reads them.
 */
public final class NginxParser {

    private final String text;
    private final String file;
    private int pos;
    private int line = 1;

    private NginxParser(String text, String file) {
        this.text = text;
        this.file = file;
    }

    /**
     * The top-level directives of {@code text}.
     *
     * @throws ImportException at the line of the first syntax error (a missing {@code ;}, an
     *                         unclosed block or quote, a {@code }} too many)
     */
    public static List<Directive> parse(String text, String file) throws ImportException {
        NginxParser p = new NginxParser(text, file);
        return p.block(null);
    }

    /** The directives up to the {@code }} closing the block opened at {@code opened} (null: the file's end). */
    private List<Directive> block(SourceLocation opened) throws ImportException {
        List<Directive> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        SourceLocation start = null;
        while (true) {
            Token t = next();
            if (t == null) {
                if (!words.isEmpty()) {
                    throw new ImportException(start, "\"" + words.getFirst() + "\" is not ended by ';' before the end of the file");
                }
                if (opened != null) {
                    throw new ImportException(opened, "the block opened here is not closed by '}'");
                }
                return out;
            }
            if (t.special == ';') {
                if (words.isEmpty()) {
                    throw new ImportException(t.at, "unexpected ';'");
                }
                out.add(new Directive(start, words, List.of()));
                words = new ArrayList<>();
            } else if (t.special == '{') {
                if (words.isEmpty()) {
                    throw new ImportException(t.at, "a block '{' without a directive name");
                }
                out.add(new Directive(start, words, block(t.at)));
                words = new ArrayList<>();
            } else if (t.special == '}') {
                if (!words.isEmpty()) {
                    throw new ImportException(start, "\"" + words.getFirst() + "\" is not ended by ';' before '}'");
                }
                if (opened == null) {
                    throw new ImportException(t.at, "unexpected '}': no block is open");
                }
                return out;
            } else {
                if (words.isEmpty()) {
                    start = t.at;
                }
                words.add(t.word);
            }
        }
    }

    /** A word, or one of {@code ; { }}. */
    private record Token(SourceLocation at, String word, char special) {
    }

    private Token next() throws ImportException {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                break;
            }
        }
        if (pos >= text.length()) {
            return null;
        }
        SourceLocation at = new SourceLocation(file, line);
        char c = text.charAt(pos);
        if (c == ';' || c == '{' || c == '}') {
            pos++;
            return new Token(at, null, c);
        }
        StringBuilder word = new StringBuilder();
        if (c == '"' || c == '\'') {
            pos++;
            while (true) {
                if (pos >= text.length()) {
                    throw new ImportException(at, "unclosed " + (c == '"' ? "double" : "single") + " quote");
                }
                char q = text.charAt(pos++);
                if (q == c) {
                    break;
                }
                if (q == '\n') {
                    line++;
                }
                if (q == '\\' && pos < text.length()) {
                    escape(word);
                } else {
                    word.append(q);
                }
            }
            return new Token(at, word.toString(), (char) 0);
        }
        while (pos < text.length()) {
            char w = text.charAt(pos);
            if (Character.isWhitespace(w) || w == ';' || w == '}' || (w == '{' && !variableBrace(word))) {
                break;
            }
            pos++;
            if (w == '\\' && pos < text.length()) {
                escape(word);
                continue;
            }
            word.append(w);
            if (w == '{') { // ${name}: the variable runs to its closing brace
                while (pos < text.length() && text.charAt(pos) != '}') {
                    word.append(text.charAt(pos++));
                }
                if (pos < text.length()) {
                    word.append(text.charAt(pos++));
                }
            }
        }
        return new Token(at, word.toString(), (char) 0);
    }

    /**
     * The character after a backslash, as NGINX reads it: {@code \"}, {@code \'} and {@code \\} are the
     * character itself, {@code \t}, {@code \r}, {@code \n} control characters; before anything else the
     * backslash stays ({@code \.} in a regular expression).
     */
    private void escape(StringBuilder word) {
        char e = text.charAt(pos++);
        switch (e) {
            case '"', '\'', '\\' -> word.append(e);
            case 't' -> word.append('\t');
            case 'r' -> word.append('\r');
            case 'n' -> word.append('\n');
            default -> {
                if (e == '\n') {
                    line++;
                }
                word.append('\\').append(e);
            }
        }
    }

    private static boolean variableBrace(StringBuilder word) {
        return !word.isEmpty() && word.charAt(word.length() - 1) == '$';
    }
}
