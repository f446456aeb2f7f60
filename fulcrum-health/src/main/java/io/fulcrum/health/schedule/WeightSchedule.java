package io.fulcrum.health.schedule;

import io.fulcrum.core.config.health.WeightScheduleConfig;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pool's scheduled criteria sets (requirements 2.3 item 3), ordered by start time: the
 * latest set that has started is in force.
 */
public final class WeightSchedule {

    /** One compiled set. */
    public record Entry(String name, Instant at, Map<String, Integer> weights, List<String> members) {

        /** The weight this set gives {@code backend}, or {@code null} when it leaves the configured weight. */
        public Integer weightOf(String backend) {
            if (!members.isEmpty() && !members.contains(backend)) {
                return 0;
            }
            return weights.get(backend);
        }
    }

    private final List<Entry> entries;

    public WeightSchedule(List<WeightScheduleConfig> configs) {
        List<Entry> list = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            WeightScheduleConfig c = configs.get(i);
            Map<String, Integer> w = new HashMap<>();
            c.weights().forEach((k, v) -> w.put(k, Integer.parseInt(v.trim())));
            list.add(new Entry(c.name() != null ? c.name() : "schedule-" + i, OffsetDateTime.parse(c.at()).toInstant(),
                    Map.copyOf(w), c.members()));
        }
        list.sort(Comparator.comparing(Entry::at));
        this.entries = List.copyOf(list);
    }

    /** The set in force at {@code now}, or {@code null} before the first. */
    public Entry activeAt(Instant now) {
        Entry active = null;
        for (Entry e : entries) {
            if (!e.at().isAfter(now)) {
                active = e;
            }
        }
        return active;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
