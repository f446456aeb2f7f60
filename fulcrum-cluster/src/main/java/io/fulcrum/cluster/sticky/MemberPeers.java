package io.fulcrum.cluster.sticky;

import io.fulcrum.cluster.member.Member;
import io.fulcrum.cluster.member.MemberState;
import io.fulcrum.cluster.member.MemberView;
import io.fulcrum.core.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The sticky peers a cluster member finds through membership: the {@link #PART} address of
 * every other member with the {@code proxy} role that is up or draining (a draining proxy still
 * serves its clients, so its table is still worth keeping in step). A member that failed or left
 * is no longer a peer, so {@link StickyPeers} drops its link; one that joins becomes one, and its
 * link starts with the whole table.
 */
public final class MemberPeers implements Supplier<List<InetSocketAddress>> {

    /** The part of a member's registered addresses that holds its sticky-peer listen address. */
    public static final String PART = "sticky";

    private static final Logger LOG = LoggerFactory.getLogger(MemberPeers.class);

    private final Supplier<? extends Collection<MemberView>> members;
    private final String self;

    /**
     * @param members the members as this node sees them now
     * @param self    this node's id (never its own peer)
     */
    public MemberPeers(Supplier<? extends Collection<MemberView>> members, String self) {
        this.members = members;
        this.self = self;
    }

    @Override
    public List<InetSocketAddress> get() {
        return of(members.get(), self);
    }

    /** The sticky-peer addresses of these members, less {@code self}'s and those not serving. */
    static List<InetSocketAddress> of(Collection<MemberView> members, String self) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (MemberView v : members) {
            Member m = v.member();
            boolean serving = v.state() == MemberState.UP || v.state() == MemberState.DRAINING;
            if (!serving || m.id().equals(self) || !m.roles().contains("proxy")) {
                continue;
            }
            for (String address : m.addresses().getOrDefault(PART, List.of())) {
                try {
                    out.add(HostPort.parse(address).socketAddress());
                } catch (IllegalArgumentException e) {
                    LOG.warn("sticky peers: member {} registered {} as its sticky address: {}", m.id(), address,
                            e.getMessage());
                }
            }
        }
        return out;
    }
}
