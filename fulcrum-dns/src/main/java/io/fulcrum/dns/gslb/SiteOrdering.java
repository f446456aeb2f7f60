package io.fulcrum.dns.gslb;

import io.fulcrum.core.cluster.LiveMembers;
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
        return orders(sites, chain, failoverOrder, locationClass, view, LiveMembers.everyone(), lower);
    }

    /**
     * The orders, best site first, among the sites with a live cluster member to answer
     * with (a proxy VIP for the lower tier, a DNS node for the upper); when none has one,
     * among all of them.
     *
     * @param members which addresses belong to live cluster members
     * @param lower   whether VIPs are answered (then a site needs an up VIP to count as up)
     */
    public static List<Site[]> orders(List<Site> sites, List<Policy> chain, List<String> failoverOrder,
                                      int locationClass, SiteStateView view, LiveMembers members, boolean lower) {
        List<Site> withMembers = withLiveMembers(sites, members, lower);
        List<Site> eligible = withMembers;
        if (chain.contains(Policy.UP)) {
            List<Site> up = new ArrayList<>();
            for (Site s : withMembers) {
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

    /** The sites that have a live member to answer with; all of them when none has. */
    static List<Site> withLiveMembers(List<Site> sites, LiveMembers members, boolean lower) {
        List<Site> out = new ArrayList<>(sites.size());
        for (Site s : sites) {
            if (lower ? anyProxyLive(s, members) : anyDnsNodeLive(s, members)) {
                out.add(s);
            }
        }
        return out.isEmpty() ? new ArrayList<>(sites) : out;
    }

    private static boolean anyProxyLive(Site s, LiveMembers members) {
        if (s.v4().isEmpty() && s.v6().isEmpty() || s.memberVips() && !members.proxyAddresses(s.name()).isEmpty()) {
            return true;
        }
        for (byte[] a : s.v4()) {
            if (members.proxyLive(s.name(), a)) {
                return true;
            }
        }
        for (byte[] a : s.v6()) {
            if (members.proxyLive(s.name(), a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyDnsNodeLive(Site s, LiveMembers members) {
        if (s.nodes().isEmpty()) {
            return true;
        }
        for (Site.Node n : s.nodes()) {
            if (members.dnsNodeLive(s.name(), n.address())) {
                return true;
            }
        }
        return false;
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
