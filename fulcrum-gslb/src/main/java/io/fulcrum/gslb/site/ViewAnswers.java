package io.fulcrum.gslb.site;

import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.core.gslb.SiteStateView;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Everything a {@link SiteStateView} answers about the configured sites at one moment:
 * which sites and VIPs are up, the response times, the remaining capacities and the
 * hand-off shares. Two equal values mean no reader can tell the moments apart, so the
 * view's version moves only when this value changes: a check or an UPDATE that changes
 * nothing does not make DNS rebuild its answers.
 *
 * @param sitesUp  site → up
 * @param vipsUp   {@code site/vip} → up
 * @param times    site → response time in ms (measured sites only)
 * @param capacity site → remaining connections (reported sites only)
 * @param shares   the hand-off shares
 */
public record ViewAnswers(Map<String, Boolean> sitesUp, Map<String, Boolean> vipsUp, Map<String, Double> times,
                          Map<String, Long> capacity, Map<String, Double> shares) {

    /** Asks {@code view} about every site and VIP of {@code sites}. */
    public static ViewAnswers of(SiteStateView view, List<SiteConfig> sites) {
        Map<String, Boolean> sitesUp = new HashMap<>();
        Map<String, Boolean> vipsUp = new HashMap<>();
        Map<String, Double> times = new HashMap<>();
        Map<String, Long> capacity = new HashMap<>();
        for (SiteConfig site : sites) {
            sitesUp.put(site.name(), view.siteUp(site.name()));
            for (VipConfig vip : site.vips()) {
                vipsUp.put(site.name() + "/" + vip.endpoint(), view.vipUp(site.name(), vip.endpoint().toString()));
            }
            OptionalDouble t = view.responseTimeMillis(site.name());
            if (t.isPresent()) {
                times.put(site.name(), t.getAsDouble());
            }
            OptionalLong c = view.remainingCapacity(site.name());
            if (c.isPresent()) {
                capacity.put(site.name(), c.getAsLong());
            }
        }
        return new ViewAnswers(Map.copyOf(sitesUp), Map.copyOf(vipsUp), Map.copyOf(times), Map.copyOf(capacity),
                Map.copyOf(view.handoffShares()));
    }
}
