package io.fulcrum.core.gslb;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** The {@link SiteStateView} of a node with no site-state peers: everything up, nothing measured. */
enum UnknownSiteState implements SiteStateView {
    INSTANCE;

    @Override public boolean siteUp(String site) { return true; }
    @Override public boolean vipUp(String site, String vip) { return true; }
    @Override public OptionalDouble responseTimeMillis(String site) { return OptionalDouble.empty(); }
    @Override public OptionalLong remainingCapacity(String site) { return OptionalLong.empty(); }
    @Override public Map<String, Double> handoffShares() { return Map.of(); }
    @Override public long version() { return 0; }
}
