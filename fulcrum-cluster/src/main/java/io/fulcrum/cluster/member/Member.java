package io.fulcrum.cluster.member;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A node's registration, as it writes it under its lease at
 * {@code <prefix>/cluster/members/<id>} (JSON).
 *
 * @param id           the node id ({@code cluster.nodeId})
 * @param roles        {@code proxy}, {@code dns}, {@code controller}, {@code router}
 * @param site         the site it runs in
 * @param host         the host it runs on
 * @param addresses    where it serves, by part ({@code proxy}, {@code dns}, {@code router},
 *                     {@code admin}): {@code host:port} each
 * @param capacity     its share of traffic relative to its peers
 * @param version      the Fulcrum version it runs
 * @param state        what it says of itself: {@code up}, {@code draining} (leaving on purpose,
 *                     takes no new traffic), {@code leaving} (about to deregister)
 * @param registeredAt when this run of the node registered
 */
@JsonIgnoreProperties(ignoreUnknown = true) // a newer node may say more
public record Member(String id, List<String> roles, String site, String host, Map<String, List<String>> addresses,
                     int capacity, String version, String state, Instant registeredAt) {

    /** Registered state of a node serving normally. */
    public static final String UP = "up";
    /** Registered state of a node asked to leave: it finishes what it has and takes nothing new. */
    public static final String DRAINING = "draining";
    /** Registered state written just before the node revokes its lease. */
    public static final String LEAVING = "leaving";

    public Member {
        roles = roles == null ? List.of() : List.copyOf(roles);
        addresses = addresses == null ? Map.of() : Map.copyOf(addresses);
        state = state == null ? UP : state;
    }

    /** The same registration in another state. */
    public Member withState(String otherState) {
        return new Member(id, roles, site, host, addresses, capacity, version, otherState, registeredAt);
    }
}
