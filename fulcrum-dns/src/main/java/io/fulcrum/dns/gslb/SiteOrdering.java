package io.fulcrum.dns.gslb;

import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.dns.geo.Location;
import io.fulcrum.dns.geo.Region;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Runs a policy chain for one client location and one state of the sites, giving the
 * orders of sites the answers rotate through (one order when nothing spreads, else
 * {@link #VARIANTS} orders whose first places follow the weights or hand-off shares).
 *
 * <p>Semantics: {@code up} filters; the ordering policies ({@code geo}, {@code latency},
 * {@code load}, {@code failover}) compare sites lexicographically in chain order; the
 * first spreading policy ({@code weighted}, {@code handoff}) shares the first place among
 * the sites tied with the best on the ordering policies before it, by smooth weighted
 * round robin, so the shares hold exactly over every {@link #VARIANTS} answers.
 */
public final class SiteOrdering {

    /** Orders per spread; the shares are exact to 1/VARIANTS. */
    public static final int VARIANTS = 100;

    private SiteOrdering() {
    }

    /**
     * The orders, best site first.
     *
     * @param lower whether VIPs are answered (then a site needs an up VIP to count as up)
     */
    public static List<Site[]> orders(List<Site> sites, List<Policy> chain, List<String> failoverOrder,
                                      int locationClass, SiteStateView view, boolean lower) {
        List<Site> eligible = new ArrayList<>(sites);
        if (chain.contains(Policy.UP)) {
            List<Site> up = new ArrayList<>();
            for (Site s : sites) {
                if (view.siteUp(s.name()) && (!lower || anyVipUp(s, view))) {
                    up.add(s);
                }
            }
            if (!up.isEmpty()) {
                eligible = up; // all down: answer anyway rather than with nothing
            }
        }
        int n = eligible.size();
        // Keys of the ordering policies, in chain order.
        List<double[]> keys = new ArrayList<>();
        Policy spread = null;
        int keysBeforeSpread = 0;
        for (Policy p : chain) {
            double[] k = switch (p) {
                case GEO -> geoKeys(eligible, locationClass);
                case LATENCY -> latencyKeys(eligible, view);
                case LOAD -> loadKeys(eligible, view);
                case FAILOVER -> failoverKeys(eligible, failoverOrder);
                default -> null;
            };
            if (k != null) {
                keys.add(k);
            } else if (p.spreads() && spread == null) {
                spread = p;
                keysBeforeSpread = keys.size();
            }
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Comparator<Integer> byKeys = (a, b) -> {
            for (double[] k : keys) {
                int c = Double.compare(k[a], k[b]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
        Arrays.sort(idx, byKeys);
        Site[] sorted = new Site[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = eligible.get(idx[i]);
        }
        if (spread == null || n <= 1) {
            return List.<Site[]>of(sorted);
        }
        // The group sharing the first place: tied with the best on the keys before the spread.
        int group = 1;
        while (group < n && tied(keys, keysBeforeSpread, idx[0], idx[group])) {
            group++;
        }
        long[] weights = new long[group];
        long total = 0;
        Map<String, Double> shares = spread == Policy.HANDOFF ? view.handoffShares() : Map.of();
        for (int i = 0; i < group; i++) {
            Site s = sorted[i];
            if (spread == Policy.WEIGHTED) {
                weights[i] = Math.max(0, s.weight());
            } else {
                weights[i] = shares.isEmpty() ? 1 : Math.round(shares.getOrDefault(s.name(), 0.0) * 10_000);
            }
            total += weights[i];
        }
        if (total == 0) {
            Arrays.fill(weights, 1);
            total = group;
        }
        if (group == 1) {
            return List.<Site[]>of(sorted);
        }
        // Smooth weighted round robin over VARIANTS steps.
        long[] current = new long[group];
        List<Site[]> variants = new ArrayList<>(VARIANTS);
        for (int v = 0; v < VARIANTS; v++) {
            int best = -1;
            for (int i = 0; i < group; i++) {
                current[i] += weights[i];
                if (weights[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            variants.add(withFirst(sorted, sorted[best]));
        }
        return variants;
    }

    /** The order with {@code first} moved to the front. */
    public static Site[] withFirst(Site[] order, Site first) {
        Site[] out = new Site[order.length];
        out[0] = first;
        int j = 1;
        for (Site s : order) {
            if (s != first) {
                if (j == out.length) {
                    return order; // first is not in the order
                }
                out[j++] = s;
            }
        }
        return out;
    }

    private static boolean tied(List<double[]> keys, int upTo, int a, int b) {
        for (int i = 0; i < upTo; i++) {
            if (Double.compare(keys.get(i)[a], keys.get(i)[b]) != 0) {
                return false;
            }
        }
        return true;
    }

    static boolean anyVipUp(Site s, SiteStateView view) {
        if (s.vips().isEmpty()) {
            return true;
        }
        for (String vip : s.vips()) {
            if (view.vipUp(s.name(), vip)) {
                return true;
            }
        }
        return false;
    }

    /** Country match 0, region match 1, else 2; then distance in 250 km steps. */
    private static double[] geoKeys(List<Site> sites, int locationClass) {
        double[] k = new double[sites.size()];
        Region region = Location.region(locationClass);
        if (region == null) {
            return k;
        }
        String country = Location.country(locationClass);
        for (int i = 0; i < k.length; i++) {
            Site s = sites.get(i);
            int rank = country != null && s.countries().contains(country) ? 0 : region == s.region() ? 1 : 2;
            double km = Region.distanceKm(region.latitude(), region.longitude(), s.latitude(), s.longitude());
            k[i] = rank * 1_000_000 + Math.floor(km / 250);
        }
        return k;
    }

    private static double[] latencyKeys(List<Site> sites, SiteStateView view) {
        double[] k = new double[sites.size()];
        for (int i = 0; i < k.length; i++) {
            OptionalDouble rt = view.responseTimeMillis(sites.get(i).name());
            k[i] = rt.isPresent() ? rt.getAsDouble() : Double.MAX_VALUE;
        }
        return k;
    }

    private static double[] loadKeys(List<Site> sites, SiteStateView view) {
        double[] k = new double[sites.size()];
        for (int i = 0; i < k.length; i++) {
            OptionalLong left = view.remainingCapacity(sites.get(i).name());
            k[i] = left.isEmpty() ? 0 : left.getAsLong() <= 0 ? 1 : -left.getAsLong();
        }
        return k;
    }

    private static double[] failoverKeys(List<Site> sites, List<String> order) {
        double[] k = new double[sites.size()];
        for (int i = 0; i < k.length; i++) {
            int at = order.indexOf(sites.get(i).name());
            k[i] = at < 0 ? order.size() : at;
        }
        return k;
    }
}
