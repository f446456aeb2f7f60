package io.fulcrum.health.schedule;

import io.fulcrum.core.config.health.TimeWindowRuleConfig;
import io.fulcrum.core.config.health.WeightScheduleConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Time windows (including across midnight, days and zones) and which scheduled set is in force. */
class TimeWindowAndScheduleTest {

    private static TimeWindow window(String from, String to, List<String> days, String zone) {
        return new TimeWindow(new TimeWindowRuleConfig("w", List.of("a"), from, to, days, zone), 0);
    }

    @Test
    void aDaytimeWindow() {
        TimeWindow w = window("09:00", "17:30", List.of(), "UTC");
        assertThat(w.activeAt(Instant.parse("2026-11-24T08:59:59Z"))).isFalse();
        assertThat(w.activeAt(Instant.parse("2026-11-24T09:00:00Z"))).isTrue();
        assertThat(w.activeAt(Instant.parse("2026-11-24T17:29:59Z"))).isTrue();
        assertThat(w.activeAt(Instant.parse("2026-11-24T17:30:00Z"))).isFalse();
        assertThat(w.holds("a")).isTrue();
        assertThat(w.holds("b")).isFalse();
    }

    @Test
    void aWindowAcrossMidnightBelongsToTheDayItStarts() {
        // 2026-11-28 is a Saturday.
        TimeWindow w = window("22:00", "02:00", List.of("sat"), "UTC");
        assertThat(w.activeAt(Instant.parse("2026-11-28T23:00:00Z"))).isTrue();
        assertThat(w.activeAt(Instant.parse("2026-11-29T01:59:00Z"))).as("Sunday morning, Saturday's window").isTrue();
        assertThat(w.activeAt(Instant.parse("2026-11-29T23:00:00Z"))).as("Sunday night").isFalse();
        assertThat(w.activeAt(Instant.parse("2026-11-28T01:00:00Z"))).as("Saturday morning: Friday's window").isFalse();
    }

    @Test
    void theZoneApplies() {
        TimeWindow w = window("09:00", "10:00", List.of(), "Asia/Tokyo");
        assertThat(w.activeAt(Instant.parse("2026-11-24T00:30:00Z"))).isTrue(); // 09:30 in Tokyo
        assertThat(w.activeAt(Instant.parse("2026-11-24T09:30:00Z"))).isFalse();
    }

    @Test
    void theLatestStartedSetIsInForce() {
        WeightSchedule s = new WeightSchedule(List.of(
                new WeightScheduleConfig("late", "2026-11-24T20:00:00Z", Map.of("a", "1"), List.of()),
                new WeightScheduleConfig("early", "2026-11-24T18:00:00+00:00", Map.of("a", "5"), List.of("a"))));
        assertThat(s.activeAt(Instant.parse("2026-11-24T17:00:00Z"))).isNull();
        WeightSchedule.Entry early = s.activeAt(Instant.parse("2026-11-24T19:00:00Z"));
        assertThat(early.name()).isEqualTo("early");
        assertThat(early.weightOf("a")).isEqualTo(5);
        assertThat(early.weightOf("b")).as("not a member").isZero();
        WeightSchedule.Entry late = s.activeAt(Instant.parse("2026-11-24T21:00:00Z"));
        assertThat(late.name()).isEqualTo("late");
        assertThat(late.weightOf("b")).as("every backend is a member; unlisted keeps its weight").isNull();
    }
}
