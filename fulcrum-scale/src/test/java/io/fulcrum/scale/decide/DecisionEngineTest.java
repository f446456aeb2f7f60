package io.fulcrum.scale.decide;

import io.fulcrum.core.config.scale.AutoscaleConfig;
import io.fulcrum.core.config.scale.PerBackendConfig;
import io.fulcrum.core.config.scale.StabilizationConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision rules on a clock the test moves: target tracking, thresholds, windows, limits, step, cooldown. */
class DecisionEngineTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Target tracking on requests per backend; windows, cooldown and step as given. */
    private static AutoscaleConfig tracking(double target, int min, int max, int step, Duration cooldown,
                                            Duration up, Duration down) {
        return new AutoscaleConfig(null, "requestsPerBackend", target, null, null, null, min, max, step,
                Duration.ofSeconds(10), cooldown, new StabilizationConfig(up, down), null, null, null, null, null, null,
                null);
    }

    private static AutoscaleConfig stepping(double above, double below, int min, int max, int step) {
        return new AutoscaleConfig(null, "requestsPerBackend", null, above, below, null, min, max, step,
                Duration.ofSeconds(10), Duration.ZERO, new StabilizationConfig(Duration.ZERO, Duration.ZERO), null,
                null, null, null, null, null, null);
    }

    private static LoadSample load(double perBackend, int ready) {
        return new LoadSample(perBackend, perBackend, ready);
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void targetTrackingAsksForTheSizeThatBringsTheMetricToTheTarget() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 10, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        // 2 backends at 130 req/s each: 260 req/s need ceil(260 / 50) = 6.
        Decision d = e.decide(at(0), 2, load(130, 2), null);
        assertThat(d.recommended()).isEqualTo(6);
        assertThat(d.desired()).isEqualTo(6);
        assertThat(d.change()).isEqualTo(4);
        assertThat(d.reason()).contains("requestsPerBackend 130").contains("target 50");
    }

    @Test
    void withinTheToleranceNothingChanges() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 10, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        assertThat(e.decide(at(0), 4, load(54, 4), null).change()).isZero(); // 8 % over: inside 10 %
        assertThat(e.decide(at(10), 4, load(44, 4), null).change()).isZero(); // 12 % under: outside
    }

    @Test
    void belowTheToleranceTheTargetShrinksThePool() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 10, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        Decision d = e.decide(at(0), 4, load(20, 4), null); // 80 req/s need 2
        assertThat(d.desired()).isEqualTo(2);
        assertThat(d.change()).isEqualTo(-2);
    }

    @Test
    void stepThresholdsAddAndRemoveStepMembers() {
        DecisionEngine e = new DecisionEngine(stepping(80, 20, 1, 10, 2));
        assertThat(e.decide(at(0), 3, load(90, 3), null).change()).isEqualTo(2);
        assertThat(e.decide(at(1), 3, load(50, 3), null).change()).isZero();
        assertThat(e.decide(at(2), 3, load(10, 3), null).change()).isEqualTo(-2);
    }

    @Test
    void minAndMaxBoundTheDesiredSizeAndStepBoundsOneAction() {
        DecisionEngine e = new DecisionEngine(tracking(10, 2, 5, 2, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        Decision out = e.decide(at(0), 2, load(100, 2), null); // asks for 20
        assertThat(out.desired()).isEqualTo(5);
        assertThat(out.change()).isEqualTo(2);
        assertThat(out.reason()).contains("at most max 5").contains("2 at a time");
        Decision in = e.decide(at(1), 4, load(0.5, 4), null); // asks for 1
        assertThat(in.desired()).isEqualTo(2);
        assertThat(in.change()).isEqualTo(-2);
        assertThat(in.reason()).contains("at least min 2");
    }

    @Test
    void aPoolBelowMinGrowsWithoutAnyReading() {
        DecisionEngine e = new DecisionEngine(tracking(10, 2, 5, 5, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        Decision d = e.decide(at(0), 0, LoadSample.unknown(0), null);
        assertThat(d.change()).isEqualTo(2);
        assertThat(d.reason()).contains("no backend takes traffic");
    }

    @Test
    void aBriefSpikeShorterThanTheUpWindowDoesNotScaleOut() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 10, Duration.ZERO, Duration.ofSeconds(30),
                Duration.ZERO));
        // Steady for longer than the window, then a 20-second spike.
        for (int t = 0; t <= 40; t += 10) {
            assertThat(e.decide(at(t), 2, load(50, 2), null).change()).isZero();
        }
        assertThat(e.decide(at(50), 2, load(200, 2), null).change()).isZero();
        Decision held = e.decide(at(60), 2, load(200, 2), null);
        assertThat(held.change()).isZero();
        assertThat(held.reason()).contains("stabilization.up");
        assertThat(e.decide(at(70), 2, load(50, 2), null).change()).isZero();
    }

    @Test
    void aLoadThatLastsTheUpWindowScalesOutToTheLowestRecommendationOfTheWindow() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 10, Duration.ZERO, Duration.ofSeconds(30),
                Duration.ZERO));
        e.decide(at(0), 2, load(50, 2), null);
        e.decide(at(40), 2, load(150, 2), null); // asks 6
        e.decide(at(50), 2, load(100, 2), null); // asks 4
        e.decide(at(60), 2, load(200, 2), null); // asks 8
        Decision d = e.decide(at(71), 2, load(200, 2), null); // the window [41, 71] saw 4, 8, 8
        assertThat(d.desired()).isEqualTo(4);
        assertThat(d.change()).isEqualTo(2);
    }

    @Test
    void scaleInWaitsForTheDownWindowAndTakesItsHighestRecommendation() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 10, Duration.ZERO, Duration.ZERO,
                Duration.ofSeconds(60)));
        e.decide(at(0), 4, load(50, 4), null); // steady at 4
        assertThat(e.decide(at(10), 4, load(12.5, 4), null).change()).isZero(); // asks 1; the window holds 4
        assertThat(e.decide(at(40), 4, load(25, 4), null).change()).isZero(); // asks 2
        Decision d = e.decide(at(71), 4, load(12.5, 4), null); // the window [11, 71]: 2, 1 -> the highest is 2
        assertThat(d.desired()).isEqualTo(2);
        assertThat(d.change()).isEqualTo(-2);
    }

    @Test
    void atStartTheCurrentSizeStandsForTheRecommendationsOfTheWindow() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 10, Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofSeconds(60)));
        assertThat(e.decide(at(0), 4, load(5, 4), null).change()).isZero();
        assertThat(e.decide(at(30), 4, load(5, 4), null).change()).isZero();
        assertThat(e.decide(at(61), 4, load(5, 4), null).change()).isEqualTo(-3);
    }

    @Test
    void theCooldownAfterAnActionHoldsTheNextOne() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 1, Duration.ofSeconds(60), Duration.ZERO,
                Duration.ZERO));
        assertThat(e.decide(at(0), 2, load(150, 2), null).change()).isEqualTo(1);
        e.acted(at(5));
        Decision held = e.decide(at(30), 3, load(150, 3), null);
        assertThat(held.change()).isZero();
        assertThat(held.desired()).isEqualTo(9);
        assertThat(held.held()).isEqualTo("cooldown until " + at(65));
        assertThat(e.decide(at(65), 3, load(150, 3), null).change()).isEqualTo(1);
    }

    @Test
    void scaleInOffKeepsThePool() {
        AutoscaleConfig p = tracking(50, 1, 10, 10, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        p = new AutoscaleConfig(null, p.metric(), p.target(), null, null, null, p.min(), p.max(), p.step(),
                p.interval(), p.cooldown(), p.stabilization(), null, null, null, null, false, null, null);
        DecisionEngine e = new DecisionEngine(p);
        Decision d = e.decide(at(0), 4, load(1, 4), null);
        assertThat(d.change()).isZero();
        assertThat(d.reason()).contains("scaleIn: false");
    }

    @Test
    void theBusiestBackendAboveItsThresholdScalesOutThoughTheAverageIsOnTarget() {
        AutoscaleConfig p = new AutoscaleConfig(null, "requestsPerBackend", 50.0, null, null, null, 1, 10, 1,
                Duration.ofSeconds(10), Duration.ZERO, new StabilizationConfig(Duration.ZERO, Duration.ZERO),
                new PerBackendConfig(120.0, 30.0), null, null, null, null, null, null);
        DecisionEngine e = new DecisionEngine(p);
        Decision hot = e.decide(at(0), 3, new LoadSample(50, 130, 3), null);
        assertThat(hot.change()).isEqualTo(1);
        assertThat(hot.reason()).contains("perBackend.scaleOutAbove");
        // The average asks to shrink, but one backend is still busy: no scale-in.
        Decision busy = e.decide(at(1), 3, new LoadSample(10, 40, 3), null);
        assertThat(busy.change()).isZero();
        assertThat(busy.reason()).contains("perBackend.scaleInBelow");
    }

    @Test
    void anOperatorsSizeReplacesTheLoadWithinTheLimits() {
        DecisionEngine e = new DecisionEngine(tracking(50, 1, 10, 10, Duration.ZERO, Duration.ofMinutes(5),
                Duration.ofMinutes(5)));
        Decision d = e.decide(at(0), 2, load(50, 2), 7);
        assertThat(d.desired()).isEqualTo(7);
        assertThat(d.change()).isEqualTo(5);
        assertThat(d.reason()).contains("set by an operator");
    }
}
