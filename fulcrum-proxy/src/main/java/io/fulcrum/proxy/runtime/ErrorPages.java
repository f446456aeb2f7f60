package io.fulcrum.proxy.runtime;

import io.fulcrum.core.config.ErrorPageConfig;
import io.fulcrum.core.config.InvalidFieldException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A listener's own error pages (its {@code errorPages}), read from their files when the
 * configuration is compiled: never on an event loop, and again at every reload, so an edited
 * file is served after the next one.
 */
public final class ErrorPages {

    /** The largest page accepted: an error page is a page, not a download. */
    public static final int MAX_BYTES = 1024 * 1024;

    /** No page of the operator's: Fulcrum's built-in bodies for every status. */
    public static final ErrorPages NONE = new ErrorPages(Map.of());

    /** One page: its bytes, served as they are, and their content type. */
    public record Page(byte[] body, String contentType) {
    }

    private final Map<Integer, Page> byStatus;

    private ErrorPages(Map<Integer, Page> byStatus) {
        this.byStatus = byStatus;
    }

    /** The page for {@code status}, or {@code null} for the built-in body. */
    public Page forStatus(int status) {
        return byStatus.isEmpty() ? null : byStatus.get(status);
    }

    /**
     * Reads every page.
     *
     * @throws InvalidFieldException naming {@code [i].file} (relative to the list) when a file cannot be
     *                               read, is too large, or has no content type
     */
    public static ErrorPages load(List<ErrorPageConfig> pages) {
        if (pages.isEmpty()) {
            return NONE;
        }
        Map<Integer, Page> byStatus = new HashMap<>();
        for (int i = 0; i < pages.size(); i++) {
            ErrorPageConfig c = pages.get(i);
            String field = "[" + i + "]";
            Path file = Path.of(c.file());
            byte[] body;
            try {
                long size = Files.size(file);
                if (size > MAX_BYTES) {
                    throw new InvalidFieldException(field + ".file", "the file " + file + " is " + size
                            + " bytes; an error page may be at most " + MAX_BYTES);
                }
                body = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new InvalidFieldException(field + ".file", "no such file: " + file);
            } catch (IOException e) {
                throw new InvalidFieldException(field + ".file", "cannot read " + file + ": " + e, e);
            }
            String type = c.contentType() != null ? c.contentType() : typeOf(file);
            if (type == null) {
                throw new InvalidFieldException(field + ".contentType", "required: the type of " + file
                        + " is not known from its extension (.html, .htm, .json, .txt, .xml)");
            }
            byStatus.put(c.status(), new Page(body, type));
        }
        return new ErrorPages(Map.copyOf(byStatus));
    }

    /** The content type of a page by its file name's extension, or {@code null} when not known. */
    static String typeOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".json")) {
            return "application/json";
        } else if (name.endsWith(".txt")) {
            return "text/plain; charset=utf-8";
        } else if (name.endsWith(".xml")) {
            return "application/xml";
        }
        return null;
    }
}
