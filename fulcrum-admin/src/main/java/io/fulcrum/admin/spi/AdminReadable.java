package io.fulcrum.admin.spi;

/**
 * A node service that shows something read-only through the admin API: a DNS server's
 * statistics, the site-state peers, the autoscaler. The admin server answers
 * {@code GET /api/v1/<path>} with the JSON form of {@link #adminSnapshot()} for every
 * service beside the proxy that implements this, so a new part of Fulcrum appears in
 * the API without editing the admin module.
 */
public interface AdminReadable {

    /** The path under {@code /api/v1/}, such as {@code dns/stats} or {@code gslb/peers}. */
    String adminPath();

    /** What to show, as records, maps, lists and scalars (serialized as JSON). Called off the event loops. */
    Object adminSnapshot();
}
