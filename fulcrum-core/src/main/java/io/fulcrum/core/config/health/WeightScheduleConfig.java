package io.fulcrum.core.config.health;

import java.util.List;
import java.util.Map;

/**
 * A weight and membership set that takes effect at a planned moment (requirements 2.3 item 3).
 * The latest set whose start time has passed is in force; before the first, the
 * configured weights are.
 *
 * @param name    for events and logs
 * @param at      start time, ISO-8601 with offset ({@code 2026-11-24T06:00:00Z})
 * @param weights backend name to weight; members not listed keep their configured weight
 * @param members backends in the set; others take no new connections. Empty = every backend
 */
public record WeightScheduleConfig(String name, String at, Map<String, String> weights, List<String> members) {

    public WeightScheduleConfig {
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        members = members == null ? List.of() : List.copyOf(members);
    }
}
