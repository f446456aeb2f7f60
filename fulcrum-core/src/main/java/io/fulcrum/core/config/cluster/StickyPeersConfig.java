package io.fulcrum.core.config.cluster;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.RestartRequired;

import java.util.List;

/**
 * Sticky sessions shared with peer proxies: each binding this node makes is pushed to
 * every peer (with its remaining life), and a peer that (re)connects gets the whole table,
 * so a client sent to another proxy keeps its backend.
 *
 * @param listen the address ({@code host:port}) this node accepts peers on; absent: off.
 *               The channel is not encrypted or authenticated: bind it to a private address. A
 *               cluster member registers it, so the other members find it.
 * @param peers  the other proxies' {@code listen} addresses, followed on reload; a cluster member
 *               also has the live proxy members as peers, so it may list none
 */
public record StickyPeersConfig(@RestartRequired HostPort listen, List<HostPort> peers) {

    public StickyPeersConfig {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    /** What a configuration without a {@code stickyPeers} section means: no sharing. */
    public static StickyPeersConfig off() {
        return new StickyPeersConfig(null, null);
    }

    /** Whether sharing is on. */
    public boolean enabled() {
        return listen != null;
    }
}
