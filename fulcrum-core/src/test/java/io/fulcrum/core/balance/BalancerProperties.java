package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties every algorithm must have, over random pools: shares follow the
 * (capped) weights, exactly over whole cycles for the deterministic algorithms;
 * weight 0 is never picked; unselectable backends are never picked; backups are
 * used only when no primary is selectable.
 */
class BalancerProperties {

    private static final List<String> NAMES = List.copyOf(new TreeSet<>(BalancerRegistry.names()));

    /** Deterministic cycles: counts over whole cycles are exact. */
    private static final Set<String> CYCLIC = Set.of("round-robin", "weighted-round-robin",
            "smooth-weighted-round-robin", "locality-weighted-round-robin");

    /** Load-driven: shares follow weights as requests pile up. */
    private static final Set<String> LOADED = Set.of("least-connections", "least-response-time");

    private static final int SAMPLES = 20_000;

    @Property(tries = 25)
    void sharesFollowCappedWeights(@ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 30) Integer> weights,
                                   @ForAll @IntRange(min = 1, max = 30) int bound,
                                   @ForAll long seed) {
        for (String name : NAMES) {
            List<Backend> pool = Pools.backends(weights.stream().mapToInt(Integer::intValue).toArray());
            if (name.equals("least-response-time")) {
                pool.forEach(b -> b.recordResponseTime(1_000_000));
            }
            LoadBalancer lb = BalancerRegistry.create(name, Pools.spec(pool, bound));
            int[] capped = weights.stream().mapToInt(w -> Math.min(w, bound)).toArray();
            long total = 0;
            int positive = 0;
            for (int w : capped) {
                total += w;
                positive += w > 0 ? 1 : 0;
            }
            TestContext ctx = new TestContext();
            if (total == 0) {
                assertThat(lb.pick(ctx)).as(name + ": all weights zero").isNull();
                continue;
            }
            Random rnd = new Random(seed);
            if (CYCLIC.contains(name)) {
                int cycle = name.equals("round-robin") ? positive : (int) total;
                Map<Backend, Integer> counts = pick(lb, ctx, rnd, 3 * cycle, false);
                for (int i = 0; i < pool.size(); i++) {
                    int due = 3 * (name.equals("round-robin") ? (capped[i] > 0 ? 1 : 0) : capped[i]);
                    assertThat(counts.getOrDefault(pool.get(i), 0)).as(name + " " + pool.get(i)).isEqualTo(due);
                }
            } else if (LOADED.contains(name)) {
                // No request finishes: each pick adds load to the chosen backend, so counts are the loads the
                // algorithm balances. Least connections keeps a/w within 1/w of the minimum; least response
                // time (equal EWMAs) keeps (a+1)/w so. Both bound every count tightly around its weighted due.
                int n = SAMPLES / 4;
                Map<Backend, Integer> counts = pick(lb, ctx, rnd, n, true);
                for (int i = 0; i < pool.size(); i++) {
                    double w = capped[i];
                    double lo = name.equals("least-connections") ? w * (n - positive) / total : w * n / total - 1;
                    double hi = name.equals("least-connections") ? w * n / total + 1 : w * (n + positive) / total;
                    assertThat((double) counts.getOrDefault(pool.get(i), 0)).as(name + " " + pool.get(i))
                            .isBetween(Math.floor(lo), Math.ceil(hi));
                }
            } else {
                Map<Backend, Integer> counts = pick(lb, ctx, rnd, SAMPLES, false);
                for (int i = 0; i < pool.size(); i++) {
                    double p = (double) capped[i] / total;
                    double due = SAMPLES * p;
                    double tolerance = 6 * Math.sqrt(SAMPLES * p * (1 - p));
                    if (name.equals("ring-hash") && capped[i] > 0) {
                        // Arc lengths vary with point placement: relative spread about 1/sqrt(points).
                        tolerance += due * 5 / Math.sqrt(capped[i] * 160.0);
                    }
                    assertThat((double) counts.getOrDefault(pool.get(i), 0)).as(name + " " + pool.get(i))
                            .isCloseTo(due, org.assertj.core.data.Offset.offset(tolerance + 1e-9));
                }
            }
        }
    }

    @Property(tries = 25)
    void neverPicksUnselectable(@ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 6) Integer> how,
                                @ForAll long seed) {
        for (String name : NAMES) {
            int[] weights = new int[how.size()];
            java.util.Arrays.fill(weights, 3);
            List<Backend> pool = Pools.backends(weights);
            Set<Backend> selectable = new HashSet<>();
            for (int i = 0; i < pool.size(); i++) {
                if (how.get(i) == 6) {
                    selectable.add(pool.get(i));
                } else {
                    Pools.makeUnselectable(pool.get(i), how.get(i));
                }
            }
            LoadBalancer lb = Pools.create(name, pool);
            TestContext ctx = new TestContext();
            Random rnd = new Random(seed);
            for (int k = 0; k < 500; k++) {
                ctx.ip(rnd.nextInt());
                Backend b = lb.pick(ctx);
                if (selectable.isEmpty()) {
                    assertThat(b).as(name).isNull();
                } else {
                    assertThat(selectable).as(name).contains(b);
                }
            }
        }
    }

    @Property(tries = 25)
    void backupsOnlyWhenNoPrimary(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 5) Integer> primaryFailure,
                                  @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 10) Integer> backupWeights,
                                  @ForAll long seed) {
        for (String name : NAMES) {
            int n = primaryFailure.size();
            int[] weights = new int[n + backupWeights.size()];
            java.util.Arrays.fill(weights, 0, n, 2);
            for (int i = 0; i < backupWeights.size(); i++) {
                weights[n + i] = backupWeights.get(i);
            }
            List<Backend> pool = Pools.backends(weights);
            List<Backend> primaries = pool.subList(0, n);
            List<Backend> backups = pool.subList(n, pool.size());
            backups.forEach(b -> b.setState(BackendState.BACKUP));
            LoadBalancer lb = Pools.create(name, pool);
            TestContext ctx = new TestContext();
            Random rnd = new Random(seed);

            for (int k = 0; k < 200; k++) {
                assertThat(primaries).as(name).contains(lb.pick(ctx.ip(rnd.nextInt())));
            }
            for (int i = 0; i < n; i++) {
                Pools.makeUnselectable(primaries.get(i), primaryFailure.get(i));
            }
            List<Backend> usable = backups.stream().filter(b -> b.weight() > 0).toList();
            for (int k = 0; k < 200; k++) {
                Backend b = lb.pick(ctx.ip(rnd.nextInt()));
                if (usable.isEmpty()) {
                    assertThat(b).as(name).isNull();
                } else {
                    assertThat(usable).as(name).contains(b);
                }
            }
            // A primary coming back takes over again.
            primaries.get(0).setState(BackendState.UP);
            primaries.get(0).setWeight(2);
            primaries.get(0).clearEjection();
            primaries.get(0).setMaxConnections(0);
            assertThat(lb.pick(ctx)).as(name).isSameAs(primaries.get(0));
        }
    }

    private static Map<Backend, Integer> pick(LoadBalancer lb, TestContext ctx, Random rnd, int n, boolean load) {
        Map<Backend, Integer> counts = new IdentityHashMap<>();
        List<Backend> started = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Backend b = lb.pick(ctx.ip(rnd.nextInt()));
            assertThat(b).as(lb.name()).isNotNull();
            assertThat(b.weight()).as(lb.name()).isPositive();
            counts.merge(b, 1, Integer::sum);
            if (load) {
                b.requestStarted();
                started.add(b);
            }
        }
        return counts;
    }
}
