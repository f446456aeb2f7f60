package io.fulcrum.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A strict parser of a {@code /metrics} scrape in the Prometheus text format (0.0.4) or the
 * OpenMetrics text format (1.0.0), for tests: it refuses, naming the line, anything either
 * specification does not allow (a sample before its family's {@code TYPE}, a sample name that
 * does not belong to its family's type, a family split in two, a malformed label set or value,
 * an OpenMetrics exposition without its final {@code # EOF} or with text after it, a counter
 * family named {@code _total} in OpenMetrics...). Exemplars are not expected and refused.
 */
public final class MetricsText {

    /** The two text formats. */
    public enum Format { PROMETHEUS, OPENMETRICS }

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One metric family: its {@code TYPE} (and {@code HELP}) and its samples in order. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    private static final Set<String> PROMETHEUS_TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final Set<String> OPENMETRICS_TYPES = Set.of("counter", "gauge", "histogram", "gaugehistogram",
            "stateset", "info", "summary", "unknown");

    private final Map<String, Family> families;

    private MetricsText(Map<String, Family> families) {
        this.families = Collections.unmodifiableMap(families);
    }

    /**
     * Parses a whole exposition.
     *
     * @throws IllegalArgumentException naming the line that breaks the format
     */
    public static MetricsText parse(String body, Format format) {
        if (!body.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition does not end with a line feed");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> helped = new LinkedHashSet<>();
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        Family current = null;
        boolean eof = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "': ";
            if (eof) {
                throw new IllegalArgumentException(where + "text after # EOF");
            }
            if (line.isEmpty()) {
                if (format == Format.OPENMETRICS) {
                    throw new IllegalArgumentException(where + "empty lines are not allowed in OpenMetrics");
                }
                continue;
            }
            if (line.startsWith("#")) {
                if (format == Format.OPENMETRICS && line.equals("# EOF")) {
                    eof = true;
                    continue;
                }
                String[] parts = line.split(" ", 4);
                boolean descriptor = parts.length >= 3 && parts[0].equals("#")
                        && (parts[1].equals("TYPE") || parts[1].equals("HELP") || parts[1].equals("UNIT"));
                if (!descriptor) {
                    if (format == Format.OPENMETRICS) {
                        throw new IllegalArgumentException(where + "not a TYPE, HELP, UNIT or EOF line");
                    }
                    continue; // a comment
                }
                String name = parts[2];
                checkMetricName(name, where);
                switch (parts[1]) {
                    case "TYPE" -> {
                        if (parts.length != 4) {
                            throw new IllegalArgumentException(where + "TYPE without a type");
                        }
                        String type = parts[3];
                        if (!(format == Format.OPENMETRICS ? OPENMETRICS_TYPES : PROMETHEUS_TYPES).contains(type)) {
                            throw new IllegalArgumentException(where + "unknown type " + type);
                        }
                        if (families.containsKey(name)) {
                            throw new IllegalArgumentException(where + "a second TYPE for " + name);
                        }
                        if (format == Format.OPENMETRICS && type.equals("counter") && name.endsWith("_total")) {
                            throw new IllegalArgumentException(where + "an OpenMetrics counter family is named without _total");
                        }
                        current = new Family(name, type, null, new ArrayList<>());
                        families.put(name, current);
                    }
                    case "HELP" -> {
                        if (!helped.add(name)) {
                            throw new IllegalArgumentException(where + "a second HELP for " + name);
                        }
                        if (current != null && current.name().equals(name)) {
                            current = new Family(name, current.type(), parts.length == 4 ? parts[3] : "", current.samples());
                            families.put(name, current);
                        }
                    }
                    default -> {
                        if (format == Format.PROMETHEUS) {
                            throw new IllegalArgumentException(where + "UNIT is OpenMetrics only");
                        }
                    }
                }
                continue;
            }
            Sample s = sample(line, where, format);
            if (current == null || !belongs(s.name(), current, format)) {
                throw new IllegalArgumentException(where + "sample outside its family ("
                        + (current == null ? "no TYPE yet" : "the family is " + current.name() + " " + current.type()) + ")");
            }
            current.samples().add(s);
        }
        if (format == Format.OPENMETRICS && !eof) {
            throw new IllegalArgumentException("the OpenMetrics exposition does not end with # EOF");
        }
        for (Family f : families.values()) {
            if (f.type().equals("histogram")) {
                checkHistogram(f);
            }
        }
        return new MetricsText(families);
    }

    /** The families by name (as their {@code TYPE} lines name them). */
    public Map<String, Family> families() {
        return families;
    }

    /** Every sample name in the exposition ({@code _total}, {@code _bucket}, {@code _count} included). */
    public Set<String> sampleNames() {
        Set<String> out = new LinkedHashSet<>();
        families.values().forEach(f -> f.samples().forEach(s -> out.add(s.name())));
        return out;
    }

    /** The samples named {@code name}. */
    public List<Sample> samples(String name) {
        List<Sample> out = new ArrayList<>();
        families.values().forEach(f -> f.samples().stream().filter(s -> s.name().equals(name)).forEach(out::add));
        return out;
    }

    /** The samples named {@code name} whose labels include all of {@code labels}. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        return samples(name).stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    /** The value of the one sample named {@code name} with {@code labels} (among others), if exactly one. */
    public Optional<Double> value(String name, Map<String, String> labels) {
        List<Sample> found = samples(name, labels);
        if (found.size() > 1) {
            throw new IllegalStateException(found.size() + " samples of " + name + " match " + labels + ": " + found);
        }
        return found.stream().findFirst().map(Sample::value);
    }

    private static boolean belongs(String sample, Family f, Format format) {
        String base = f.name();
        List<String> allowed = switch (f.type()) {
            case "counter" -> format == Format.OPENMETRICS ? List.of(base + "_total", base + "_created") : List.of(base);
            case "histogram", "gaugehistogram" -> List.of(base + "_bucket", base + "_sum", base + "_count", base + "_created",
                    base + "_gcount", base + "_gsum");
            case "summary" -> List.of(base, base + "_sum", base + "_count", base + "_created");
            case "info" -> List.of(base + "_info");
            default -> List.of(base);
        };
        return allowed.contains(sample);
    }

    private static Sample sample(String line, String where, Format format) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        checkMetricName(name, where);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels, where);
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException(where + "no space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2 || rest[0].isEmpty()) {
            throw new IllegalArgumentException(where + "expected a value and at most a timestamp"
                    + (format == Format.OPENMETRICS ? " (exemplars are not expected)" : ""));
        }
        double value = number(rest[0], where);
        if (rest.length == 2) {
            number(rest[1], where);
        }
        return new Sample(name, Collections.unmodifiableMap(labels), value);
    }

    /** Reads {@code name="value",...}} from {@code i}; returns the index after the closing brace. */
    private static int labels(String line, int i, Map<String, String> into, String where) {
        while (true) {
            if (i < line.length() && line.charAt(i) == '}') {
                return i + 1;
            }
            int start = i;
            while (i < line.length() && line.charAt(i) != '=') {
                i++;
            }
            String name = line.substring(start, i);
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalArgumentException(where + "bad label name '" + name + "'");
            }
            if (i + 1 >= line.length() || line.charAt(i + 1) != '"') {
                throw new IllegalArgumentException(where + "label " + name + " without a quoted value");
            }
            i += 2;
            StringBuilder v = new StringBuilder();
            while (true) {
                if (i >= line.length()) {
                    throw new IllegalArgumentException(where + "unterminated value of label " + name);
                }
                char c = line.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char e = i < line.length() ? line.charAt(i++) : 0;
                    switch (e) {
                        case '\\' -> v.append('\\');
                        case '"' -> v.append('"');
                        case 'n' -> v.append('\n');
                        default -> throw new IllegalArgumentException(where + "bad escape in label " + name);
                    }
                } else {
                    v.append(c);
                }
            }
            if (into.put(name, v.toString()) != null) {
                throw new IllegalArgumentException(where + "label " + name + " twice");
            }
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            } else if (i >= line.length() || line.charAt(i) != '}') {
                throw new IllegalArgumentException(where + "expected , or } after label " + name);
            }
        }
    }

    private static double number(String s, String where) {
        switch (s) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                if (!s.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException(where + "not a number: '" + s + "'");
                }
                return Double.parseDouble(s);
        }
    }

    private static void checkMetricName(String name, String where) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException(where + "bad metric name '" + name + "'");
        }
    }

    /** Each label set's buckets rise with {@code le}, end at {@code +Inf}, and that bucket is the count. */
    private static void checkHistogram(Family f) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> key = new LinkedHashMap<>(s.labels());
                key.remove("le");
                buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            } else if (s.name().endsWith("_count")) {
                counts.put(s.labels(), s.value());
            }
        }
        buckets.forEach((key, list) -> {
            double last = 0;
            for (Sample b : list) {
                if (b.value() < last) {
                    throw new IllegalArgumentException(f.name() + key + ": buckets not cumulative");
                }
                last = b.value();
            }
            Sample inf = list.getLast();
            if (!"+Inf".equals(inf.labels().get("le"))) {
                throw new IllegalArgumentException(f.name() + key + ": the last bucket is not le=\"+Inf\"");
            }
            Double count = counts.get(key);
            if (count == null || count != inf.value()) {
                throw new IllegalArgumentException(f.name() + key + ": the +Inf bucket is not the count " + count);
            }
        });
    }
}
