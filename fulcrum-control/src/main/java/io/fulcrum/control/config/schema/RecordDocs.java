package io.fulcrum.control.config.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Javadoc of a configuration record: its first paragraph and its {@code @param} lines,
 * as plain text. Javadoc does not survive compilation, so the records' sources are shipped
 * as resources under {@link #ROOT} (fulcrum-core's build puts them there); a record whose
 * source is not shipped simply has no documentation.
 */
final class RecordDocs {

    /** Where the sources are, by package path: {@code META-INF/fulcrum/config-docs/io/fulcrum/...}. */
    static final String ROOT = "META-INF/fulcrum/config-docs/";

    /** What the documentation says: the record's summary and each component's description. */
    record Doc(String summary, Map<String, String> params) {
        static final Doc NONE = new Doc("", Map.of());
    }

    private static final Pattern PARAM = Pattern.compile("@param\\s+(\\w+)\\s+(.*?)(?=(?<!\\{)@\\w+\\s|$)",
            Pattern.DOTALL);
    private static final Pattern INLINE_TAG = Pattern.compile("\\{@(?:code|literal|link|linkplain)\\s+([^}]*)}");
    private static final Pattern HTML_TAG = Pattern.compile("</?[a-zA-Z][^>]*>");

    private final Map<Class<?>, Doc> cache = new ConcurrentHashMap<>();

    /** The documentation of a record; {@link Doc#NONE} when its source is not shipped. */
    Doc of(Class<?> record) {
        return cache.computeIfAbsent(record, RecordDocs::read);
    }

    private static Doc read(Class<?> record) {
        Class<?> top = record;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        String resource = ROOT + top.getName().replace('.', '/') + ".java";
        ClassLoader loader = record.getClassLoader() != null ? record.getClassLoader() : ClassLoader.getSystemClassLoader();
        String source;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return Doc.NONE;
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        // The comment right before "record Name(" (annotations such as @ShortForm may come between).
        Matcher m = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*"
                + "(?:public\\s+)?(?:static\\s+)?record\\s+" + Pattern.quote(record.getSimpleName()) + "\\s*[(<]",
                Pattern.DOTALL).matcher(source);
        if (!m.find()) {
            return Doc.NONE;
        }
        String comment = m.group(1).replaceAll("(?m)^\\s*\\*", " ");
        int tags = comment.indexOf("@param");
        String main = tags < 0 ? comment : comment.substring(0, tags);
        int paragraph = main.indexOf("<p>");
        String summary = plain(paragraph < 0 ? main : main.substring(0, paragraph));
        Map<String, String> params = new LinkedHashMap<>();
        if (tags >= 0) {
            Matcher p = PARAM.matcher(comment.substring(tags));
            while (p.find()) {
                params.put(p.group(1), plain(p.group(2)));
            }
        }
        return new Doc(summary, Map.copyOf(params));
    }

    /** Javadoc as plain text: inline tags by their text, no HTML, one space between words. */
    static String plain(String javadoc) {
        Matcher m = INLINE_TAG.matcher(javadoc);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String text = m.group(1).strip();
            if (m.group().startsWith("{@link")) {
                int space = text.indexOf(' ');
                text = space > 0 ? text.substring(space + 1) : text.substring(text.lastIndexOf('.') + 1).replace('#', '.');
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(text));
        }
        m.appendTail(sb);
        String noHtml = HTML_TAG.matcher(sb).replaceAll("");
        return noHtml.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                .replaceAll("\\s+", " ").strip();
    }
}
