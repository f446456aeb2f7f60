package io.fulcrum.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Renders JSON rows as a plain-text table with aligned columns. */
final class Table {

    /** One column: a header and a path into each row ({@code latencyMillis.p99}). */
    record Column(String header, String path) {
    }

    private Table() {
    }

    static Column col(String header, String path) {
        return new Column(header, path);
    }

    static void print(PrintWriter out, JsonNode rows, List<Column> columns) {
        List<String[]> cells = new ArrayList<>();
        String[] head = columns.stream().map(Column::header).toArray(String[]::new);
        cells.add(head);
        if (rows != null && rows.isArray()) {
            for (JsonNode row : rows) {
                String[] line = new String[columns.size()];
                for (int i = 0; i < columns.size(); i++) {
                    line[i] = text(at(row, columns.get(i).path()));
                }
                cells.add(line);
            }
        }
        int[] width = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                sb.append(line[i]);
                if (i < line.length - 1) {
                    sb.append(" ".repeat(width[i] - line[i].length() + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }

    static JsonNode at(JsonNode node, String path) {
        JsonNode n = node;
        for (String part : path.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n;
    }

    static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "-";
        }
        if (n.isValueNode()) {
            return n.asText();
        }
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(x -> parts.add(text(x)));
            return String.join(",", parts);
        }
        List<String> parts = new ArrayList<>();
        n.properties().forEach(e -> parts.add(e.getKey() + "=" + text(e.getValue())));
        return String.join(",", parts);
    }
}
