package io.fulcrum.health.weights;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code NWV_i = AW + (CWP - MP_i)/SF}, {@code NW = sum NWV_i * w_i}, clamped, and the threshold function. */
class WeightFormulaTest {

    private static WeightFormula.Metric metric(String name, double importance, double... values) {
        return new WeightFormula.Metric(name, importance, values);
    }

    @Test
    void equalSharesGiveTheAverageWeight() {
        int[] w = WeightFormula.compute(new int[]{10, 10}, List.of(metric("service", 1, 5, 5)), 1, 99, 2);
        assertThat(w).containsExactly(50, 50);
    }

    @Test
    void oneRoundByHand() {
        // AW = 50.5; CWP = 50 each; MP = 80 / 20; SF = 2: 50.5 - 15 = 35.5 -> 36, 50.5 + 15 = 65.5 -> 66.
        int[] w = WeightFormula.compute(new int[]{50, 50}, List.of(metric("service", 1, 80, 20)), 1, 100, 2);
        assertThat(w).containsExactly(36, 66);
    }

    @Test
    void importanceWeighsTheMetricClasses() {
        // input says equal (50.5 each), service says 80/20 (35.5 / 65.5); importance 1:3 -> 39.25 / 61.75.
        int[] w = WeightFormula.compute(new int[]{50, 50},
                List.of(metric("input", 1, 7, 7), metric("service", 3, 80, 20)), 1, 100, 2);
        assertThat(w).containsExactly(39, 62);
    }

    @Test
    void metricsWithoutDataOrImportanceAreLeftOut() {
        assertThat(WeightFormula.compute(new int[]{5, 5}, List.of(metric("host", 1, 0, 0)), 1, 100, 2)).isNull();
        assertThat(WeightFormula.compute(new int[]{5, 5}, List.of(metric("host", 0, 1, 9)), 1, 100, 2)).isNull();
        int[] w = WeightFormula.compute(new int[]{50, 50},
                List.of(metric("host", 1, 0, 0), metric("service", 1, 80, 20)), 1, 100, 2);
        assertThat(w).containsExactly(36, 66);
    }

    @Test
    void repeatedRoundsSettleNearTheInverseMetricShare() {
        int[] w = {50, 50};
        for (int i = 0; i < 20; i++) {
            w = WeightFormula.compute(w, List.of(metric("service", 1, 80, 20)), 1, 100, 2);
        }
        // The fixed point of x = AW + (x% - 80)/2: about 21 : 80.
        assertThat(w[0]).isBetween(19, 23);
        assertThat(w[1]).isBetween(78, 82);
    }

    @Property
    void weightsStayInTheRange(@ForAll @IntRange(min = 1, max = 100) int a, @ForAll @IntRange(min = 1, max = 100) int b,
                               @ForAll @IntRange(min = 0, max = 1000) int ma, @ForAll @IntRange(min = 1, max = 1000) int mb,
                               @ForAll @IntRange(min = 1, max = 10) int sf) {
        int[] w = WeightFormula.compute(new int[]{a, b}, List.of(metric("m", 1, ma, mb)), 3, 40, sf);
        for (int x : w) {
            assertThat(x).isBetween(3, 40);
        }
        // The backend with the larger metric share never gets the larger new weight at equal current weights.
        if (a == b && ma > mb) {
            assertThat(w[0]).isLessThanOrEqualTo(w[1]);
        }
    }

    @Test
    void thresholdFunction() {
        assertThat(WeightFormula.differsEnough(new int[]{50, 50}, new int[]{54, 46}, 10)).isFalse();
        assertThat(WeightFormula.differsEnough(new int[]{50, 50}, new int[]{55, 45}, 10)).isTrue();
        assertThat(WeightFormula.differsEnough(new int[]{2, 2}, new int[]{2, 2}, 0)).isFalse();
        assertThat(WeightFormula.differsEnough(new int[]{1, 1}, new int[]{2, 1}, 50)).isTrue();
    }
}
