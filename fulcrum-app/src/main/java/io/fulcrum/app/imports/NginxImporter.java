package io.fulcrum.app.imports;

/** {@code fulcrum import nginx}: parse ({@link NginxParser}), then map ({@link NginxMapper}). */
public final class NginxImporter implements Importer {

    @Override
    public ConfigDraft convert(String text, String file, ImportWarnings warnings) throws ImportException {
        ConfigDraft draft = new NginxMapper(warnings).map(NginxParser.parse(text, file));
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
