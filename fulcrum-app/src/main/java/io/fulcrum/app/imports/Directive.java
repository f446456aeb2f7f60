package io.fulcrum.app.imports;

import java.util.List;

/**
 * One directive of a source configuration: its words as written (quotes removed), where it is,
 * and the directives inside it (an NGINX block, or the lines of an HAProxy section).
 *
 * @param at    where it was written
 * @param words the name first, then the arguments; never empty
 * @param block the directives inside it; empty for a simple directive
 */
public record Directive(SourceLocation at, List<String> words, List<Directive> block) {

    public Directive {
        words = List.copyOf(words);
        block = List.copyOf(block);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("a directive has at least a name");
        }
    }

    /** The directive's name (its first word). */
    public String name() {
        return words.getFirst();
    }

    /** The words after the name. */
    public List<String> args() {
        return words.subList(1, words.size());
    }

    /** The argument at {@code index} (0 = the first after the name), or null when there are fewer. */
    public String arg(int index) {
        return index + 1 < words.size() ? words.get(index + 1) : null;
    }

    /** The directive as written, on one line (for warnings). */
    public String text() {
        return String.join(" ", words);
    }
}
