package io.fulcrum.core.gslb;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What this node knows about the GSLB sites right now: which sites and VIPs are up,
 * how fast they answer, how much capacity they have left, and the hand-off shares
 * every site computes from the shared matrix. The site-state peers
 * ({@code fulcrum-gslb}) keep it; the DNS policies and the proxy's redirect hand-off
 * read it.
 *
 * <p>Reads are cheap and thread-safe. {@link #version()} changes whenever anything
 * here changes, so readers may cache what they derive from it (encoded DNS answers).
 * A reader that asks several questions for one result reads them from one
 * {@link #snapshot()}, so that the answers belong to the same moment.
 */
public interface SiteStateView {

    /** Whether the site is usable: reachable, and with at least one healthy VIP. Unknown sites are up. */
    boolean siteUp(String site);

    /** Whether this VIP (address, optionally with port) of the site passes its checks. Unknown VIPs are up. */
    boolean vipUp(String site, String vip);

    /** Time-weighted average response time of the site's VIPs, in milliseconds, if measured. */
    OptionalDouble responseTimeMillis(String site);

    /** Connections the site can still take (sum over its VIPs), if reported. */
    OptionalLong remainingCapacity(String site);

    /**
     * The hand-off shares of the sites seen as up, as fractions summing to 1 (empty when
     * no hand-off table has been computed).
     */
    Map<String, Double> handoffShares();

    /** Increases every time any answer of this view may have changed. */
    long version();

    /**
     * The answers of this view at one moment: the returned view never changes, and its
     * {@link #version()} is the version of those answers. A view that does not change
     * returns itself.
     */
    default SiteStateView snapshot() {
        return this;
    }

    /** A view that knows nothing: every site and VIP up, nothing measured. */
    static SiteStateView unknown() {
        return UnknownSiteState.INSTANCE;
    }
}
