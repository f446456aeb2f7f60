package io.fulcrum.health.schedule;

import io.fulcrum.core.config.health.TimeWindowRuleConfig;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A compiled time-window rule: whether "now" falls in the daily window
 * [{@code from}, {@code to}) in the rule's zone, on one of its days. A window whose
 * end is before its start crosses midnight; the day is the day it started.
 */
public final class TimeWindow {

    private final String name;
    private final List<String> backends;
    private final LocalTime from;
    private final LocalTime to;
    private final Set<DayOfWeek> days;
    private final ZoneId zone;

    public TimeWindow(TimeWindowRuleConfig c, int index) {
        this.name = c.name() != null ? c.name() : "rule-" + index;
        this.backends = c.backends();
        this.from = LocalTime.parse(c.from());
        this.to = LocalTime.parse(c.to());
        this.zone = ZoneId.of(c.zone());
        Set<DayOfWeek> d = EnumSet.noneOf(DayOfWeek.class);
        for (String day : c.days()) {
            d.add(parseDay(day));
        }
        this.days = d.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : d;
    }

    private static DayOfWeek parseDay(String day) {
        return switch (day.toLowerCase(Locale.ROOT)) {
            case "mon" -> DayOfWeek.MONDAY;
            case "tue" -> DayOfWeek.TUESDAY;
            case "wed" -> DayOfWeek.WEDNESDAY;
            case "thu" -> DayOfWeek.THURSDAY;
            case "fri" -> DayOfWeek.FRIDAY;
            case "sat" -> DayOfWeek.SATURDAY;
            default -> DayOfWeek.SUNDAY;
        };
    }

    public String name() {
        return name;
    }

    public boolean holds(String backend) {
        return backends.contains(backend);
    }

    /** Whether the window is open at {@code now}. */
    public boolean activeAt(Instant now) {
        ZonedDateTime t = now.atZone(zone);
        LocalTime time = t.toLocalTime();
        if (!from.isAfter(to)) {
            return days.contains(t.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
        }
        // Crosses midnight: the evening part belongs to today, the morning part to yesterday's window.
        if (!time.isBefore(from)) {
            return days.contains(t.getDayOfWeek());
        }
        return time.isBefore(to) && days.contains(t.getDayOfWeek().minus(1));
    }

    /** {@code 22:00-06:00 UTC}. */
    public String describe() {
        return from + "-" + to + " " + zone;
    }
}
