package io.fulcrum.app.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an HAProxy configuration into its sections: one {@link Directive} per section
 * ({@code global}, {@code defaults}, {@code frontend NAME}...) whose block holds the section's lines.
 *
 * <p>Words are split as HAProxy splits them: on white space, with {@code #} starting a comment,
 * double quotes (backslash escapes inside), single quotes (taken literally) and backslash
 * escapes outside quotes ({@code \ }, {@code \#}).
 */
public final class HaproxyParser {

    /** The keywords that start a section. */
    static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen", "userlist",
            "peers", "resolvers", "mailers", "program", "http-errors", "ring", "cache", "log-forward",
            "crt-store", "traces", "fcgi-app");
    /** The sections that need a name. */
    private static final Set<String> NAMED = Set.of("frontend", "backend", "listen", "userlist", "peers",
            "resolvers", "mailers", "program", "http-errors", "ring", "cache", "log-forward", "fcgi-app");

    private HaproxyParser() {
    }

    /**
     * The sections of {@code text}.
     *
     * @param file the file's name, for the locations
     * @throws ImportException at the line of the first syntax error
     */
    public static List<Directive> parse(String text, String file) throws ImportException {
        List<Directive> sections = new ArrayList<>();
        List<String> header = null;
        SourceLocation headerAt = null;
        List<Directive> body = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            SourceLocation at = new SourceLocation(file, i + 1);
            List<String> words = words(lines[i], at);
            if (words.isEmpty()) {
                continue;
            }
            if (SECTIONS.contains(words.getFirst())) {
                if (header != null) {
                    sections.add(new Directive(headerAt, header, body));
                }
                if (NAMED.contains(words.getFirst()) && words.size() < 2) {
                    throw new ImportException(at, "section \"" + words.getFirst() + "\" needs a name");
                }
                header = words;
                headerAt = at;
                body = new ArrayList<>();
            } else if (header == null) {
                throw new ImportException(at, "\"" + words.getFirst()
                        + "\" is outside any section (a file starts with global, defaults, frontend, backend or listen)");
            } else {
                body.add(new Directive(at, words, List.of()));
            }
        }
        if (header != null) {
            sections.add(new Directive(headerAt, header, body));
        }
        return sections;
    }

    /** The words of one line, quotes and escapes resolved, the comment left out. */
    static List<String> words(String line, SourceLocation at) throws ImportException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '#') {
                break;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new ImportException(at, "unclosed " + (quote == '"' ? "double" : "single") + " quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
