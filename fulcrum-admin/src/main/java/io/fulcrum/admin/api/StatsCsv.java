package io.fulcrum.admin.api;

/**
 * The stats table as CSV (RFC 4180), like HAProxy's {@code ;csv} export: a header line of the
 * {@linkplain StatsColumn#key() column keys}, then one line per row in the table's order, an
 * empty field where a column does not apply. Fields holding a comma, a quote or a line break
 * are quoted, quotes doubled.
 */
final class StatsCsv {

    /** The media type answered. */
    static final String TYPE = "text/csv; charset=utf-8; header=present";

    private StatsCsv() {
    }

    static String render(StatsTable.Snapshot table) {
        StringBuilder b = new StringBuilder(256 * (table.rows().size() + 1));
        StatsColumn[] columns = StatsColumn.values();
        for (int i = 0; i < columns.length; i++) {
            b.append(i == 0 ? "" : ",").append(columns[i].key());
        }
        b.append("\r\n");
        for (StatsTable.Row r : table.rows()) {
            for (int i = 0; i < columns.length; i++) {
                if (i > 0) {
                    b.append(',');
                }
                Object v = r.get(columns[i]);
                if (v != null) {
                    field(b, String.valueOf(v));
                }
            }
            b.append("\r\n");
        }
        return b.toString();
    }

    private static void field(StringBuilder b, String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        if (!quote) {
            b.append(s);
            return;
        }
        b.append('"').append(s.replace("\"", "\"\"")).append('"');
    }
}
