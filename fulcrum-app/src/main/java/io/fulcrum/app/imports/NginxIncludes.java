package io.fulcrum.app.imports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replaces every {@code include PATTERN;} of an NGINX directive tree with the directives of the
 * files it names, as NGINX reads them: a relative pattern from the main file's directory (NGINX's
 * configuration prefix when it runs on that file), a pattern with wildcards matching any number of
 * files (none is fine) in sorted order, a plain path that must exist, included files including
 * others in turn. Each included directive keeps its own file and line, so warnings point into the
 * file where it was written.
 *
 * <p>A configuration copied from another machine names its includes by that machine's absolute
 * paths ({@code /etc/nginx/sites-enabled/*}); with an include root those are read under it
 * instead ({@code ROOT/etc/nginx/sites-enabled/*}).
 */
final class NginxIncludes {

    /** Deeper than any real configuration; stops a file that includes itself through a pattern. */
    private static final int MAX_DEPTH = 16;

    private final Path baseDir;
    private final Path includeRoot;
    private final Deque<Path> reading = new ArrayDeque<>();

    /**
     * @param mainFile    the file being converted (relative patterns start from its directory)
     * @param includeRoot where absolute patterns are read under, or {@code null} to read them as written
     */
    NginxIncludes(Path mainFile, Path includeRoot) {
        Path dir = mainFile.toAbsolutePath().getParent();
        this.baseDir = dir == null ? Path.of("").toAbsolutePath() : dir;
        this.includeRoot = includeRoot;
        reading.push(mainFile.toAbsolutePath().normalize());
    }

    /** {@code directives} with every include, at any depth, replaced by what it names. */
    List<Directive> expand(List<Directive> directives) throws ImportException {
        List<Directive> out = new ArrayList<>();
        for (Directive d : directives) {
            if (d.name().equals("include") && d.block().isEmpty()) {
                out.addAll(included(d));
            } else if (d.block().isEmpty()) {
                out.add(d);
            } else {
                out.add(new Directive(d.at(), d.words(), expand(d.block())));
            }
        }
        return out;
    }

    private List<Directive> included(Directive include) throws ImportException {
        if (include.args().size() != 1) {
            throw new ImportException(include.at(), "include takes one file or pattern, not " + include.args().size());
        }
        String pattern = include.arg(0);
        List<Path> files = files(include, pattern);
        List<Directive> out = new ArrayList<>();
        for (Path file : files) {
            Path real = file.toAbsolutePath().normalize();
            if (reading.contains(real) || reading.size() > MAX_DEPTH) {
                throw new ImportException(include.at(), "include " + pattern + " includes " + file
                        + " again (a cycle): " + String.join(" -> ", reading.reversed().stream().map(Path::toString).toList()));
            }
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ImportException(include.at(), "include " + pattern + ": cannot read " + file + ": " + e.getMessage());
            }
            reading.push(real);
            try {
                out.addAll(expand(NginxParser.parse(text, file.toString())));
            } finally {
                reading.pop();
            }
        }
        return out;
    }

    /** The files {@code pattern} names, sorted; a plain path must exist. */
    private List<Path> files(Directive include, String pattern) throws ImportException {
        Path path = where(pattern);
        if (!hasWildcard(pattern)) {
            if (!Files.isRegularFile(path)) {
                throw new ImportException(include.at(), "include " + pattern + ": no such file " + path);
            }
            return List.of(path);
        }
        // The deepest directory without a wildcard, then every file below it the pattern matches.
        Path dir = path.getRoot() == null ? Path.of("") : path.getRoot();
        int fixed = 0;
        for (Path part : path) {
            if (hasWildcard(part.toString())) {
                break;
            }
            dir = dir.resolve(part);
            fixed++;
        }
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + escapeForGlob(path));
        try (Stream<Path> found = Files.walk(dir, path.getNameCount() - fixed)) {
            return found.filter(Files::isRegularFile).filter(matcher::matches).sorted().toList();
        } catch (IOException e) {
            throw new ImportException(include.at(), "include " + pattern + ": cannot list " + dir + ": " + e.getMessage());
        }
    }

    /** Where a pattern points: under the include root when absolute and one is set, else from the base directory. */
    private Path where(String pattern) {
        Path p = Path.of(pattern);
        if (p.isAbsolute()) {
            return includeRoot == null ? p : includeRoot.toAbsolutePath().resolve(p.getRoot().relativize(p));
        }
        return baseDir.resolve(p);
    }

    private static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    /** The path as a glob: its wildcards kept, the glob syntax NGINX's glob(3) does not have ({, }) escaped. */
    private static String escapeForGlob(Path path) {
        return path.toString().replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}");
    }
}
