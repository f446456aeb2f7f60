package io.fulcrum.admin.api;

import java.util.List;
import java.util.Map;

/**
 * The stats page at {@code /stats}: the stats table rendered on the server as plain HTML, for
 * browsers without JavaScript, text browsers and {@code curl}, like HAProxy's stats page. It
 * links the dashboard's style sheet and nothing else; {@code ?refresh=N} makes the browser
 * reload it every N seconds. Besides the table it lists the certificates the listeners serve
 * and the GSLB sites seen down, when those parts are configured.
 */
final class StatsPage {

    /** The page runs no script and loads only the style sheet. */
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'";

    private StatsPage() {
    }

    /**
     * @param table        the table to show
     * @param node         the node's site and host, for the heading
     * @param certificates the served certificates ({@link ReadViews#certificates()}), or null when no listener has TLS
     * @param downSites    GSLB sites seen down, or null when GSLB is not configured
     * @param refresh      seconds between reloads, or 0 for none
     */
    static String render(StatsTable.Snapshot table, String node, List<Map<String, Object>> certificates,
                         List<String> downSites, int refresh) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if (refresh > 0) {
            b.append("<meta http-equiv=\"refresh\" content=\"").append(refresh).append("\">\n");
        }
        b.append("<title>Fulcrum stats · ").append(esc(node)).append("</title>\n")
                .append("<link rel=\"icon\" href=\"/favicon.ico\">\n")
                .append("<link rel=\"stylesheet\" href=\"/ui/style.css\">\n</head>\n<body class=\"stats-page\">\n")
                .append("<header><h1>Fulcrum</h1><span id=\"node\">").append(esc(node)).append("</span></header>\n<main>\n");
        b.append("<p class=\"stats-meta\">version <span id=\"version\">").append(esc(table.version()))
                .append("</span> · up <span id=\"uptime\" data-seconds=\"").append(table.uptimeSeconds()).append("\">")
                .append(duration(table.uptimeSeconds())).append("</span> · read at ")
                .append(esc(table.generatedAt().toString()))
                .append(" · <a href=\"/stats;csv\">CSV</a> · <a href=\"/\">dashboard</a> · refresh every ")
                .append("<a href=\"/stats?refresh=5\">5 s</a> <a href=\"/stats?refresh=30\">30 s</a> <a href=\"/stats\">never</a></p>\n");
        b.append("<section class=\"panel\"><h2>Listeners, pools and backends</h2>\n<div class=\"scroll\">\n")
                .append("<table id=\"stats-table\" class=\"stats\">\n<thead><tr>");
        for (StatsColumn c : StatsColumn.values()) {
            b.append("<th data-key=\"").append(c.key()).append("\" title=\"").append(esc(c.help())).append("\">")
                    .append(esc(c.header())).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (StatsTable.Row r : table.rows()) {
            b.append("<tr class=\"kind-").append(esc(String.valueOf(r.get(StatsColumn.KIND))))
                    .append(" status-").append(esc(String.valueOf(r.get(StatsColumn.STATUS)))).append("\">");
            for (StatsColumn c : StatsColumn.values()) {
                Object v = r.get(c);
                b.append(v instanceof Number ? "<td class=\"num\">" : "<td>").append(v == null ? "" : esc(String.valueOf(v)))
                        .append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n</div>\n</section>\n");
        if (certificates != null) {
            b.append("<section class=\"panel\" id=\"certificates\"><h2>Certificates</h2>\n<div class=\"scroll\">")
                    .append("<table><thead><tr><th>Listener</th><th>Names</th><th>Expires</th><th>Days left</th>")
                    .append("<th>File</th></tr></thead>\n<tbody>\n");
            for (Map<String, Object> c : certificates) {
                b.append("<tr><td>").append(esc(String.valueOf(c.get("listener")))).append("</td><td>")
                        .append(esc(String.join(", ", names(c.get("names"))))).append("</td><td>")
                        .append(esc(String.valueOf(c.get("notAfter")))).append("</td><td class=\"num\">")
                        .append(c.get("daysLeft")).append("</td><td>").append(esc(String.valueOf(c.get("certFile"))))
                        .append("</td></tr>\n");
            }
            b.append("</tbody></table></div></section>\n");
        }
        if (downSites != null) {
            b.append("<section class=\"panel\" id=\"down-sites\"><h2>GSLB sites down</h2>\n");
            if (downSites.isEmpty()) {
                b.append("<p class=\"muted\">none</p>\n");
            } else {
                b.append("<ul>");
                downSites.forEach(s -> b.append("<li>").append(esc(s)).append("</li>"));
                b.append("</ul>\n");
            }
            b.append("</section>\n");
        }
        b.append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static List<String> names(Object names) {
        return names instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** {@code 3d 4h 5m 6s}, leaving out the leading zero units. */
    static String duration(long seconds) {
        long d = seconds / 86_400;
        long h = seconds / 3600 % 24;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        StringBuilder b = new StringBuilder();
        if (d > 0) {
            b.append(d).append("d ");
        }
        if (d > 0 || h > 0) {
            b.append(h).append("h ");
        }
        if (d > 0 || h > 0 || m > 0) {
            b.append(m).append("m ");
        }
        return b.append(s).append('s').toString();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
