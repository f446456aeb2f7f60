package io.fulcrum.app.node;

import io.fulcrum.cluster.controller.FencedRecords;
import io.fulcrum.cluster.member.Member;
import io.fulcrum.cluster.member.MemberState;
import io.fulcrum.cluster.member.MemberView;
import io.fulcrum.cluster.member.Membership;
import io.fulcrum.cluster.stats.BackendStats;
import io.fulcrum.cluster.stats.NodeStats;
import io.fulcrum.scale.OperatorSettings;
import io.fulcrum.scale.ProxyTierFleet;
import io.fulcrum.scale.ProxyTierScaler;
import io.fulcrum.scale.ScaleFleet;
import io.fulcrum.scale.ScaleIntent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy tier's autoscaler's view of the cluster: leadership from the election, the proxy nodes from
 * membership (members with the {@code proxy} role, up or draining) with the statistics each published at
 * {@code <prefix>/stats/<node>} as the controller last read them, and the tier's intent at
 * {@code <prefix>/scale/proxies}, written by fenced compare-and-swap ({@link FencedRecords}). The operator's
 * settings of the tier are kept as a pool's are ({@code <prefix>/scale/operator/proxy-tier}, through
 * {@link ScaleFleet#readOperator}), written by any member.
 */
final class FleetProxyTier implements ProxyTierFleet {

    private final FleetView view;
    private final Membership membership;
    /** Where the operator's settings are kept, under the tier's reserved name. */
    private final ScaleFleet operator;

    FleetProxyTier(FleetView view, Membership membership, ScaleFleet operator) {
        this.view = view;
        this.membership = membership;
        this.operator = operator;
    }

    @Override
    public boolean leads() {
        return view.leads();
    }

    @Override
    public String leader() {
        return view.leader();
    }

    @Override
    public List<ProxyNode> proxies() {
        Map<String, NodeStats> stats = view.controller().nodes();
        List<ProxyNode> out = new ArrayList<>();
        for (MemberView v : membership.members()) {
            Member m = v.member();
            if (!m.roles().contains("proxy") || (v.state() != MemberState.UP && v.state() != MemberState.DRAINING)) {
                continue;
            }
            List<String> proxy = m.addresses().getOrDefault("proxy", List.of());
            NodeStats s = stats.get(m.id());
            double requests = 0;
            if (s != null) {
                for (BackendStats b : s.backends()) {
                    requests += b.requests();
                }
            }
            out.add(new ProxyNode(m.id(), v.state() == MemberState.DRAINING, proxy.isEmpty() ? "" : proxy.getFirst(),
                    requests, s == null ? 0 : s.clientConnections(), s == null ? 0 : s.epochMillis()));
        }
        return out;
    }

    @Override
    public ScaleFleet.Stored read() throws ScaleFleet.Unavailable {
        FencedRecords.Versioned v = readIntent(view);
        ScaleIntent intent = null;
        if (v.value() != null) {
            try {
                intent = ScaleIntent.fromJson(v.value());
            } catch (IllegalArgumentException bad) {
                intent = null; // not an intent (written by hand?): replaced, compared on its version
            }
        }
        return new ScaleFleet.Stored(intent, v.version());
    }

    /** The tier's intent as stored (also read by every node, to drain itself when it is named draining). */
    static FencedRecords.Versioned readIntent(FleetView view) throws ScaleFleet.Unavailable {
        return view.read(view.keys().scaleProxies());
    }

    @Override
    public long write(long version, ScaleIntent intent) throws ScaleFleet.Unavailable {
        return view.replace(view.keys().scaleProxies(), version, intent.toJson());
    }

    @Override
    public ScaleFleet.StoredSettings readOperator() throws ScaleFleet.Unavailable {
        return operator.readOperator(ProxyTierScaler.SUBJECT);
    }

    @Override
    public long writeOperator(long version, OperatorSettings settings) throws ScaleFleet.Unavailable {
        return operator.writeOperator(ProxyTierScaler.SUBJECT, version, settings);
    }
}
