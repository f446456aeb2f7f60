package io.fulcrum.dns.testing;

import io.fulcrum.core.gslb.SiteStateView;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A site state the test sets by hand (a real, in-memory implementation of the view). */
public final class MutableSiteState implements SiteStateView {

    private final Set<String> downSites = ConcurrentHashMap.newKeySet();
    private final Set<String> downVips = ConcurrentHashMap.newKeySet();
    private final Map<String, Double> responseTimes = new ConcurrentHashMap<>();
    private final Map<String, Long> capacity = new ConcurrentHashMap<>();
    private volatile Map<String, Double> shares = Map.of();
    private final AtomicLong version = new AtomicLong(1);

    public MutableSiteState siteDown(String site, boolean down) {
        if (down) {
            downSites.add(site);
        } else {
            downSites.remove(site);
        }
        version.incrementAndGet();
        return this;
    }

    public MutableSiteState vipDown(String site, String vip, boolean down) {
        if (down) {
            downVips.add(site + "|" + vip);
        } else {
            downVips.remove(site + "|" + vip);
        }
        version.incrementAndGet();
        return this;
    }

    public MutableSiteState responseTime(String site, double millis) {
        responseTimes.put(site, millis);
        version.incrementAndGet();
        return this;
    }

    public MutableSiteState remaining(String site, long connections) {
        capacity.put(site, connections);
        version.incrementAndGet();
        return this;
    }

    public MutableSiteState shares(Map<String, Double> s) {
        shares = Map.copyOf(s);
        version.incrementAndGet();
        return this;
    }

    /** Moves the version without changing any answer, as a check result or an UPDATE that changes nothing may. */
    public MutableSiteState touch() {
        version.incrementAndGet();
        return this;
    }

    @Override
    public boolean siteUp(String site) {
        return !downSites.contains(site);
    }

    @Override
    public boolean vipUp(String site, String vip) {
        return !downVips.contains(site + "|" + vip);
    }

    @Override
    public OptionalDouble responseTimeMillis(String site) {
        Double d = responseTimes.get(site);
        return d == null ? OptionalDouble.empty() : OptionalDouble.of(d);
    }

    @Override
    public OptionalLong remainingCapacity(String site) {
        Long l = capacity.get(site);
        return l == null ? OptionalLong.empty() : OptionalLong.of(l);
    }

    @Override
    public Map<String, Double> handoffShares() {
        return shares;
    }

    @Override
    public long version() {
        return version.get();
    }
}
