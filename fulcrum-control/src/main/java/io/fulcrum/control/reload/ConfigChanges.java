package io.fulcrum.control.reload;

import io.fulcrum.core.config.FulcrumConfig;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What differs between two configurations, section by section, as a reload reports it.
 *
 * <p>The sections are the components of {@link FulcrumConfig} ({@code server},
 * {@code listeners}, {@code pools}, {@code virtualServices}, {@code dns}, {@code admin}…),
 * read from the record itself: a section added to the configuration later is compared
 * without a change here. Inside a section every field is compared the same way (see
 * {@link RecordDiff}), so {@link #isEmpty()} holds exactly when the two configurations
 * are equal.
 *
 * @param sections the sections that differ, in the order of {@link FulcrumConfig}'s components
 */
public record ConfigChanges(List<Section> sections) {

    /**
     * What differs in one section.
     *
     * @param name            the section's field name in the file ({@code pools}, {@code dns})
     * @param changes         one line per live difference, such as {@code pools[app].backends added [c]}
     *                        or {@code server.shutdownGrace 10s->5s}
     * @param restartRequired the fields that differ but are only read at start
     *                        ({@code server.eventLoopThreads}): they keep their running value
     */
    public record Section(String name, List<String> changes, List<String> restartRequired) {

        public Section {
            changes = List.copyOf(changes);
            restartRequired = List.copyOf(restartRequired);
        }

        /** {@code pools[app].backends added [c], pools[app].protocol changed}, then what needs a restart. */
        public String summary() {
            List<String> parts = new ArrayList<>(changes);
            if (!restartRequired.isEmpty()) {
                parts.add("needs a restart: " + String.join(", ", restartRequired));
            }
            return String.join(", ", parts);
        }
    }

    public ConfigChanges {
        sections = List.copyOf(sections);
    }

    /** Compares {@code before} with {@code after}, every section of the configuration. */
    public static ConfigChanges between(FulcrumConfig before, FulcrumConfig after) {
        List<Section> out = new ArrayList<>();
        for (RecordComponent rc : FulcrumConfig.class.getRecordComponents()) {
            Object a = read(rc, before);
            Object b = read(rc, after);
            RecordDiff d = RecordDiff.of(rc.getName(), a, b);
            if (!d.changes().isEmpty() || !d.restartRequired().isEmpty()) {
                out.add(new Section(rc.getName(), d.changes(), d.restartRequired()));
            }
        }
        return new ConfigChanges(out);
    }

    /** Whether nothing differs: the two configurations are equal. */
    public boolean isEmpty() {
        return sections.isEmpty();
    }

    /** The section with this name, or {@code null} when it did not change. */
    public Section section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** Every field that changed but only applies after a restart, across sections. */
    public List<String> restartRequired() {
        List<String> all = new ArrayList<>();
        sections.forEach(s -> all.addAll(s.restartRequired()));
        return all;
    }

    /** Section name to its summary, for an event's details or an API answer. */
    public Map<String, String> bySection() {
        Map<String, String> m = new LinkedHashMap<>();
        sections.forEach(s -> m.put(s.name(), s.summary()));
        return m;
    }

    /**
     * One line for the log naming every change, section by section, for example
     * {@code pools[app].backends added [c]; dns.zones[example.com].records changed}
     * (every path starts with its section's name).
     */
    public String summary() {
        if (sections.isEmpty()) {
            return "no changes";
        }
        List<String> parts = new ArrayList<>();
        sections.forEach(s -> parts.add(s.summary()));
        return String.join("; ", parts);
    }

    private static Object read(RecordComponent rc, FulcrumConfig config) {
        try {
            return rc.getAccessor().invoke(config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + rc.getName() + ": " + e, e);
        }
    }
}
