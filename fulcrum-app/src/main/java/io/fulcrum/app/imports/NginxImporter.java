package io.fulcrum.app.imports;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code fulcrum import nginx}: parse ({@link NginxParser}), read the included files in
 * ({@link NginxIncludes}), then map ({@link NginxMapper}).
 */
public final class NginxImporter implements Importer {

    private final Path includeRoot;

    /** Reads absolute include paths as written. */
    public NginxImporter() {
        this(null);
    }

    /** @param includeRoot where absolute include paths are read under (a copy of another machine's files), or null */
    public NginxImporter(Path includeRoot) {
        this.includeRoot = includeRoot;
    }

    @Override
    public ConfigDraft convert(String text, String file, ImportWarnings warnings) throws ImportException {
        List<Directive> tree = new NginxIncludes(Path.of(file), includeRoot).expand(NginxParser.parse(text, file));
        ConfigDraft draft = new NginxMapper(warnings).map(tree);
        if (!draft.servesTraffic()) {
            throw new ImportException(file, "nothing to convert that accepts traffic: no server block in http or "
                    + "stream (Fulcrum needs at least one listener or virtual service)");
        }
        return draft;
    }

    @Override
    public String formatName() {
        return "NGINX";
    }
}
