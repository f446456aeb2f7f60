package io.fulcrum.gslb.handoff;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class HandoffTableProperties {

    private static final List<String> SITES = List.of("ams", "fra", "lon", "nyc", "sfo", "sin", "syd", "tok");

    /** Preference lists of a random subset of sites, each a random order of the others. */
    record Inputs(Map<String, List<String>> lists, List<Integer> weights, Set<String> down, long seed) {
    }

    @Provide
    Arbitrary<Inputs> inputs() {
        Arbitrary<Integer> count = Arbitraries.integers().between(1, SITES.size());
        Arbitrary<List<Integer>> weights = Arbitraries.integers().between(0, 64).list().ofMinSize(1).ofMaxSize(16);
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(count, weights, seed).as((n, w, s) -> {
            Random r = new Random(s);
            List<String> sites = SITES.subList(0, n);
            Map<String, List<String>> lists = new HashMap<>();
            for (String site : sites) {
                List<String> others = new ArrayList<>(sites);
                others.remove(site);
                Collections.shuffle(others, r);
                lists.put(site, List.copyOf(others.subList(0, r.nextInt(others.size() + 1))));
            }
            Set<String> down = new TreeSet<>();
            for (String site : sites) {
                if (r.nextInt(4) == 0) {
                    down.add(site);
                }
            }
            return new Inputs(lists, w, down, s);
        });
    }

    @Property
    void sameInputsGiveTheSameTableWhateverTheMapOrder(@ForAll("inputs") Inputs in) {
        // Another site holds the same lists in maps built in another order.
        List<String> keys = new ArrayList<>(in.lists().keySet());
        Collections.shuffle(keys, new Random(in.seed() + 1));
        Map<String, List<String>> reordered = new LinkedHashMap<>();
        for (String k : keys) {
            reordered.put(k, in.lists().get(k));
        }
        HandoffTable a = HandoffTable.compute(in.lists(), in.weights(), in.down());
        HandoffTable b = HandoffTable.compute(reordered, List.copyOf(in.weights()), new TreeSet<>(in.down()));
        assertThat(b).isEqualTo(a);
        assertThat(b.rows()).containsExactlyElementsOf(a.rows());
    }

    @Property
    void downSitesAreLeftOutAndSharesSumToOne(@ForAll("inputs") Inputs in) {
        HandoffTable t = HandoffTable.compute(in.lists(), in.weights(), in.down());
        double sum = 0;
        long weights = 0;
        for (HandoffTable.Row r : t.rows()) {
            assertThat(in.down()).doesNotContain(r.site());
            sum += r.share();
            weights += r.weight();
        }
        if (weights > 0) {
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        } else {
            assertThat(sum).isZero();
        }
    }

    @Property
    void weightIsTheSumOfPositionWeights(@ForAll("inputs") Inputs in) {
        HandoffTable t = HandoffTable.compute(in.lists(), in.weights(), Set.of());
        for (HandoffTable.Row r : t.rows()) {
            long expected = 0;
            for (List<String> list : in.lists().values()) {
                int k = list.indexOf(r.site());
                if (k >= 0 && k < in.weights().size()) {
                    expected += in.weights().get(k);
                }
            }
            assertThat(r.weight()).isEqualTo(expected);
        }
    }

    @Property
    void rowsAreOrderedByWeightThenName(@ForAll("inputs") Inputs in) {
        List<HandoffTable.Row> rows = HandoffTable.compute(in.lists(), in.weights(), in.down()).rows();
        for (int i = 1; i < rows.size(); i++) {
            HandoffTable.Row a = rows.get(i - 1);
            HandoffTable.Row b = rows.get(i);
            assertThat(a.weight() > b.weight() || (a.weight() == b.weight() && a.site().compareTo(b.site()) < 0))
                    .as("%s before %s", a, b).isTrue();
        }
    }

    @Property
    void rotationFollowsTheWeights(@ForAll("inputs") Inputs in) {
        HandoffTable t = HandoffTable.compute(in.lists(), in.weights(), in.down());
        HandoffRotation rotation = new HandoffRotation(t, Set.of());
        Map<String, Integer> turns = new HashMap<>();
        for (int i = 0; i < rotation.cycleLength(); i++) {
            turns.merge(rotation.next(s -> true), 1, Integer::sum);
        }
        for (HandoffTable.Row r : t.rows()) {
            if (r.weight() == 0) {
                assertThat(turns).doesNotContainKey(r.site());
            } else if (rotation.cycleLength() < HandoffRotation.MAX_CYCLE) {
                assertThat(turns.get(r.site())).isEqualTo((int) r.weight());
            }
        }
    }

    @Example
    void theSpecExample() {
        // Three sites, OHW 6/4: a is first in both other lists, b second in both, c first and second.
        Map<String, List<String>> lists = Map.of(
                "a", List.of("c", "b"),
                "b", List.of("a", "c"),
                "c", List.of("a", "b"));
        HandoffTable t = HandoffTable.compute(lists, List.of(6, 4), Set.of());
        assertThat(t.rows()).containsExactly(
                new HandoffTable.Row("a", 12, 12.0 / 30),
                new HandoffTable.Row("c", 10, 10.0 / 30),
                new HandoffTable.Row("b", 8, 8.0 / 30));
        HandoffTable withoutA = HandoffTable.compute(lists, List.of(6, 4), Set.of("a"));
        assertThat(withoutA.rows()).extracting(HandoffTable.Row::site).containsExactly("c", "b");
        assertThat(withoutA.row("c").share()).isEqualTo(10.0 / 18);
    }

    @Example
    void preferenceListsIgnoreNoiseBelowTheMargin() {
        List<String> first = PreferenceLists.of("a", Map.of("b", 1.2, "c", 1.0));
        assertThat(first).containsExactly("c", "b");
        assertThat(PreferenceLists.of("a", Map.of("b", 1.0, "c", 1.3), first)).containsExactly("c", "b");
        assertThat(PreferenceLists.of("a", Map.of("b", 1.0, "c", 30.0), first)).containsExactly("b", "c");
    }

    @Example
    void freeCapacityModePrefersTheFreestSite() {
        HandoffTable t = FreeCapacityOrder.compute(Map.of("a", 0.2, "b", 0.9, "c", 0.5), Set.of("b"));
        assertThat(t.rows()).extracting(HandoffTable.Row::site).containsExactly("c", "a");
        assertThat(t.row("c").share()).isCloseTo(0.5 / 0.7, org.assertj.core.data.Offset.offset(1e-9));
    }
}
