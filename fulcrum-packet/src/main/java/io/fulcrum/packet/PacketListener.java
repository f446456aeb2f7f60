package io.fulcrum.packet;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.l4.service.FlowTimeouts;
import io.fulcrum.l4.service.L4ListenerRuntime;
import io.fulcrum.l4.table.BackendFlowCounters;

import java.util.Map;

/**
 * One (VIP, protocol, port) of a packet-mode virtual service, as the packet thread matches
 * frames against it: the compiled listener (balancer, counters), the VIP as two longs, the
 * timeouts resolved for this VIP and port, and the members by live backend.
 */
final class PacketListener {

    final L4ListenerRuntime runtime;
    final boolean dnat;
    final String vip;
    final long vipHi;
    final long vipLo;
    final int protocol;
    final int port;
    final FlowTimeouts timeouts;
    private final Map<Backend, PacketBackend> members;

    PacketListener(L4ListenerRuntime runtime, boolean dnat, String vip, long vipHi, long vipLo, int protocol,
                   Map<Backend, PacketBackend> members) {
        this.runtime = runtime;
        this.dnat = dnat;
        this.vip = vip;
        this.vipHi = vipHi;
        this.vipLo = vipLo;
        this.protocol = protocol;
        this.port = runtime.config().port();
        this.timeouts = runtime.timeoutsFor(vip);
        this.members = members;
    }

    boolean matches(int proto, long hi, long lo, int dstPort) {
        return dstPort == port && lo == vipLo && hi == vipHi && proto == protocol;
    }

    /** The member for a backend the balancer picked (null if it is not one of this pool's any more). */
    PacketBackend member(Backend b) {
        return members.get(b);
    }

    BackendFlowCounters counters(Backend b) {
        return runtime.counters().get(b);
    }

    String service() {
        return runtime.service();
    }
}
