package io.fulcrum.control.config;

import io.fulcrum.control.config.YamlTree.Loc;
import io.fulcrum.control.config.YamlTree.MapNode;
import io.fulcrum.control.config.YamlTree.Node;
import io.fulcrum.core.config.FulcrumConfig;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a Fulcrum configuration file (YAML) into a validated {@link FulcrumConfig}.
 *
 * <p>How: the YAML is read once into a small tree that keeps the line and column of
 * every key and value ({@link YamlTree}, on Jackson's YAML parser); a reflective binder
 * ({@link RecordBinder}) fills the records of {@code io.fulcrum.core.config}, whose
 * component names are the YAML keys, reporting unknown fields (with "did you mean"),
 * wrong types and bad durations or sizes, and recording where each field path was
 * written; then {@link ConfigValidator} checks the semantic rules and finds each
 * error's line from those recorded paths. Every problem of every stage is reported
 * together in one {@link ConfigException}; semantic errors about a value that already
 * failed to bind are left out, since they would only repeat it.
 *
 * <p>A file's scalar values may name environment variables, {@code ${NAME}} or
 * {@code ${NAME:-default}} ({@link VariableSubstitution}), replaced in the tree before it is
 * bound; text given as text ({@link #parse}) is taken as written unless variables are passed.
 *
 * <p>The file is never half-applied: either the whole configuration is valid and
 * returned, or nothing is.
 */
public final class ConfigLoader {

    /** Errors sorted as they appear in the file; errors without a line come last. */
    static final Comparator<ConfigError> FILE_ORDER = Comparator
            .comparingInt((ConfigError e) -> e.line() > 0 ? e.line() : Integer.MAX_VALUE)
            .thenComparingInt(ConfigError::column);

    private static final String TOP_LEVEL_FIELDS = "server, accessLog, listeners, pools, l4Timeouts, virtualServices, gslb, dns, admin, store, cluster, controller, stickyPeers";

    /**
     * Largest configuration file read (64 MiB): far above any real configuration (a zone
     * of a hundred thousand records is a few MB), far below what would strain the heap.
     */
    public static final int MAX_FILE_BYTES = 64 << 20;

    private ConfigLoader() {
    }

    /**
     * Reads and validates a configuration file, its variables taken from this process's environment.
     *
     * @throws ConfigException listing every problem, each with file, line, column and field path
     */
    public static FulcrumConfig load(Path file) throws ConfigException {
        return loadWithWarnings(file).config();
    }

    /**
     * Parses and validates configuration text.
     *
     * @param sourceName what to call the text in messages (usually its file name)
     * @throws ConfigException listing every problem, each with line, column and field path
     */
    public static FulcrumConfig parse(String yaml, String sourceName) throws ConfigException {
        return parseWithWarnings(yaml, sourceName).config();
    }

    /** Like {@link #load(Path)}, and also returns the warnings (things allowed but probably not intended). */
    public static LoadedConfig loadWithWarnings(Path file) throws ConfigException {
        return loadWithWarnings(file, ConfigVariables.processEnvironment());
    }

    /** Like {@link #loadWithWarnings(Path)}, with the file's variables looked up in {@code variables}. */
    public static LoadedConfig loadWithWarnings(Path file, ConfigVariables variables) throws ConfigException {
        return parseWithWarnings(read(file), file.toString(), variables);
    }

    /** Like {@link #parse(String, String)}, and also returns the warnings. The text is taken as written. */
    public static LoadedConfig parseWithWarnings(String yaml, String sourceName) throws ConfigException {
        return parseWithWarnings(yaml, sourceName, null);
    }

    /**
     * Like {@link #parseWithWarnings(String, String)}, for the text of a configuration file:
     * its {@code ${NAME}} references are replaced with the values of {@code variables}.
     *
     * @param variables where the references are looked up; {@code null} to take the text as written
     */
    public static LoadedConfig parseWithWarnings(String yaml, String sourceName, ConfigVariables variables)
            throws ConfigException {
        String source = sourceName == null || sourceName.isEmpty() ? "<config>" : sourceName;
        String text = yaml == null ? "" : yaml;
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Node root;
        try {
            root = YamlTree.parse(text);
        } catch (YamlTree.SyntaxError e) {
            throw single(source, "", e.loc, e.getMessage());
        } catch (RuntimeException e) {
            // The YAML library refusing the input in a way it does not describe as a syntax error.
            throw single(source, "", Loc.NONE, "cannot read YAML: " + e.getMessage());
        }
        if (root == null || root instanceof YamlTree.ScalarNode s && s.kind() == YamlTree.Kind.NULL) {
            throw single(source, "", Loc.NONE, "the configuration is empty; it needs at least listeners and pools");
        }
        if (!(root instanceof MapNode map)) {
            throw single(source, "", root.loc(), "the top level must be a mapping with the fields "
                    + TOP_LEVEL_FIELDS + ", got " + RecordBinder.describe(root));
        }

        List<ConfigError> substitutionErrors = List.of();
        List<String> unsubstituted = List.of();
        if (variables != null) {
            VariableSubstitution.Result substituted = VariableSubstitution.apply(map, variables);
            map = (MapNode) substituted.root();
            substitutionErrors = substituted.errors();
            unsubstituted = substituted.failedPaths();
        }

        RecordBinder binder = new RecordBinder();
        FulcrumConfig config = binder.bindRoot(FulcrumConfig.class, map);
        // One name for the node's site: without server.site, the gslb section's site is it.
        if (config.gslb().enabled() && !binder.sources().has(SourceMap.field("server", "site"))) {
            config = config.withServer(config.server().withSite(config.gslb().site()));
        }
        ConfigValidator.Result result = ConfigValidator.validate(config, binder.sources());

        // A value whose variable could not be substituted is reported once, by the substitution.
        List<ConfigError> errors = new ArrayList<>(substitutionErrors);
        for (ConfigError e : binder.errors()) {
            if (!isUnderAny(e.path(), unsubstituted)) {
                errors.add(e);
            }
        }
        for (ConfigError e : result.errors()) {
            if (!binder.failedAtOrAbove(e.path()) && !isUnderAny(e.path(), unsubstituted)) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(FILE_ORDER);
            throw new ConfigException(source, errors);
        }
        return new LoadedConfig(config, result.warnings(), new FieldLocations(source, binder.sources()));
    }

    private static boolean isUnderAny(String path, List<String> ancestors) {
        for (String a : ancestors) {
            if (SourceMap.isUnder(path, a)) {
                return true;
            }
        }
        return false;
    }

    private static String read(Path file) throws ConfigException {
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = readBounded(file, source);
        } catch (NoSuchFileException e) {
            throw single(source, "", Loc.NONE, "no such file");
        } catch (AccessDeniedException e) {
            throw single(source, "", Loc.NONE, "permission denied");
        } catch (IOException e) {
            String why = Files.isDirectory(file) ? "is a directory, not a file" : "cannot read: " + e.getMessage();
            throw single(source, "", Loc.NONE, why);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw single(source, "", Loc.NONE, "not UTF-8 text");
        }
    }

    /**
     * The file's bytes, refused past {@link #MAX_FILE_BYTES} before anything is read: a huge
     * file would otherwise exhaust the heap of the process that is serving. The limit holds
     * for a file that grows while it is read, too.
     */
    private static byte[] readBounded(Path file, String source) throws IOException, ConfigException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw tooLarge(source, size);
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw tooLarge(source, bytes.length);
            }
            return bytes;
        }
    }

    private static ConfigException tooLarge(String source, long size) {
        return single(source, "", Loc.NONE, "the file is " + size + " bytes; a configuration file may be at most "
                + MAX_FILE_BYTES + " bytes (" + (MAX_FILE_BYTES >> 20) + " MiB)");
    }

    private static ConfigException single(String source, String path, Loc loc, String message) {
        return new ConfigException(source, List.of(new ConfigError(path, loc.line(), loc.column(), message)));
    }
}
