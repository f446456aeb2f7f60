package io.fulcrum.core.config.health;

import java.util.List;

/**
 * A user rule: during a daily time window, the named backends take no new connections
 * (their existing connections and sticky sessions go on).
 *
 * @param name     for events and logs
 * @param backends backend names the rule holds
 * @param from     start of the window, {@code HH:mm} or {@code HH:mm:ss}
 * @param to       end of the window (exclusive); before {@code from} = the window crosses midnight
 * @param days     days it applies ({@code mon}..{@code sun}); empty = every day
 * @param zone     time zone of {@code from}/{@code to}; default UTC
 */
public record TimeWindowRuleConfig(String name, List<String> backends, String from, String to, List<String> days,
                                   String zone) {

    public TimeWindowRuleConfig {
        backends = backends == null ? List.of() : List.copyOf(backends);
        days = days == null ? List.of() : List.copyOf(days);
        zone = zone == null ? "UTC" : zone;
    }
}
