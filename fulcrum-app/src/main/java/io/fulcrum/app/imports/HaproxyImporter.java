package io.fulcrum.app.imports;

/** {@code fulcrum import haproxy}: parse ({@link HaproxyParser}), read ({@link HaproxyReader}), map ({@link HaproxyMapper}). */
public final class HaproxyImporter implements Importer {

    @Override
    public ConfigDraft convert(String text, String file, ImportWarnings warnings) throws ImportException {
        HaproxyConfig config = new HaproxyReader(warnings).read(HaproxyParser.parse(text, file));
        ConfigDraft draft = new HaproxyMapper(warnings).map(config);
        if (!draft.servesTraffic()) {
            throw new ImportException(file, "nothing to convert that accepts traffic: no frontend or listen "
                    + "section with a bind line (Fulcrum needs at least one listener or virtual service)");
        }
        return draft;
    }

    @Override
    public String formatName() {
        return "HAProxy";
    }
}
