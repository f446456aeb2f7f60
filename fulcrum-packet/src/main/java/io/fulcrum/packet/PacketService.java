package io.fulcrum.packet;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendListener;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.l4.ConnectionTableSource;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.l4.service.L4Compiler;
import io.fulcrum.l4.service.L4ListenerRuntime;
import io.fulcrum.l4.table.BackendFlowCounters;
import io.fulcrum.packet.wire.Frames;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Packet mode as a node service: the virtual services with {@code mode: dsr} or {@code dnat}
 * are compiled like the L4 router's (same pools, live backends shared with the proxy so health
 * checks, drains and weights steer them, Maglev selection) and served by one
 * {@link PacketEngine} per {@code packetInterface}. The node owns those services' VIPs: it
 * answers ARP/NDP for them and announces them when it takes them; a reload that removes a VIP,
 * or {@link #close}, gives it up.
 */
public final class PacketService implements NodeService, ConnectionTableSource {

    private final EventLog events;
    private final String netns;
    private final PacketCpu cpu;
    private final L4Compiler compiler = L4Compiler.forPacketModes();
    private final Map<String, PacketEngine> engines = new LinkedHashMap<>();
    /** Members by live backend, kept across reloads (their learnt MAC addresses with them). */
    private final Map<Backend, PacketBackend> members = new ConcurrentHashMap<>();
    private final Set<Backend> watched = ConcurrentHashMap.newKeySet();
    private final BackendListener purgeOnFailure = new BackendListener() {
        @Override
        public void backendChanged(Backend backend) {
        }

        @Override
        public void backendFailed(Backend backend) {
            // SPEC 2.3 item 6: a failed member's flows are purged; a drained one keeps them.
            synchronized (PacketService.this) {
                engines.values().forEach(e -> e.purge(backend));
            }
        }
    };

    /**
     * A node's packet service: its threads run in the process's namespace, on the CPU
     * {@code server.packetCpu} (or {@code FULCRUM_PACKET_CPU}) names, see {@link #reservedCpu}.
     *
     * @param events where state changes are published (may be null)
     */
    public PacketService(EventLog events) {
        this(events, null, null);
    }

    /**
     * @param netns a network namespace file the packet threads enter (tests run balancers in
     *              namespaces of one JVM); null: the process's namespace
     */
    public PacketService(EventLog events, String netns) {
        this(events, netns, PacketCpu.byDefault());
    }

    /** @param cpu where the packet threads run; null: as the configuration says */
    PacketService(EventLog events, String netns, PacketCpu cpu) {
        this.events = events;
        this.netns = netns;
        this.cpu = cpu;
    }

    /**
     * The CPU a node running {@code config} keeps for its packet threads: the one
     * {@code server.packetCpu} (or {@code FULCRUM_PACKET_CPU}) resolves to when the
     * configuration has a packet-mode service; -1 when it has none, or the threads are not pinned.
     *
     * @throws InvalidFieldException an unusable value (see {@link #check})
     */
    public static int reservedCpu(FulcrumConfig config) {
        if (config.virtualServices().stream().allMatch(VirtualServiceConfig::proxyMode)) {
            return -1;
        }
        return target(PacketCpu.of(config.server()));
    }

    private static int target(PacketCpu cpu) {
        try {
            return cpu.target();
        } catch (IOException e) {
            throw new InvalidFieldException(cpu.field(), e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "packet";
    }

    /** In use while some virtual service runs in a packet mode (so a node without one shows no packet table). */
    @Override
    public synchronized boolean inUse() {
        return !engines.isEmpty();
    }

    /** Compiles the packet-mode services as {@link #start} does, binding nothing. */
    public static void check(FulcrumConfig config) {
        PacketCpu cpu = PacketCpu.of(config.server());
        String refusal = cpu.refusal(); // a CPU this process may not run on is refused even unused
        if (refusal != null) {
            throw new InvalidFieldException(cpu.field(), refusal);
        }
        new PacketService(null).tables(config);
    }

    /** Uses the proxy's live backends for the pools both know (see {@link L4Compiler#sharedBackends}). */
    public void sharedBackends(java.util.function.BiFunction<String, String, Backend> lookup) {
        compiler.sharedBackends(lookup);
    }

    @Override
    public void start(FulcrumConfig config) throws IOException {
        apply(config);
    }

    @Override
    public synchronized void apply(FulcrumConfig config) throws IOException {
        Map<String, ServiceTable> tables;
        Map<String, L4ListenerRuntime> runtimes;
        try {
            runtimes = compiler.compile(config);
            tables = tables(config, runtimes);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        java.util.Set<Backend> inUse = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        tables.values().forEach(t -> { for (PacketBackend b : t.backends) { inUse.add(b.backend); } });
        members.keySet().retainAll(inUse); // members gone from the configuration are forgotten
        long sweep = L4Compiler.sweepNanos(runtimes);
        for (String name : List.copyOf(engines.keySet())) {
            if (!tables.containsKey(name)) {
                engines.remove(name).close();
                publish("packet.stopped", name, "no packet-mode service on it any more");
            }
        }
        for (var e : tables.entrySet()) {
            PacketEngine engine = engines.get(e.getKey());
            if (engine == null) {
                engine = new PacketEngine(e.getKey(), netns, cpu != null ? cpu : PacketCpu.of(config.server()));
                engine.start();
                engines.put(e.getKey(), engine);
                publish("packet.started", e.getKey(), "packet-mode services");
            }
            engine.publish(e.getValue(), sweep);
        }
        for (ServiceTable t : tables.values()) {
            for (PacketBackend b : t.backends) {
                if (watched.add(b.backend)) {
                    b.backend.addListener(purgeOnFailure);
                }
            }
        }
    }

    private Map<String, ServiceTable> tables(FulcrumConfig config) {
        return tables(config, compiler.compile(config));
    }

    /** The service table of each interface. */
    private Map<String, ServiceTable> tables(FulcrumConfig config, Map<String, L4ListenerRuntime> runtimes) {
        Map<String, List<PacketListener>> listeners = new LinkedHashMap<>();
        Map<String, Map<Backend, PacketBackend>> backends = new LinkedHashMap<>();
        Map<String, List<long[]>> vips = new LinkedHashMap<>();
        for (VirtualServiceConfig vs : config.virtualServices()) {
            if (vs.proxyMode()) {
                continue;
            }
            String dev = vs.packetInterface();
            List<PacketListener> ls = listeners.computeIfAbsent(dev, k -> new ArrayList<>());
            Map<Backend, PacketBackend> bs = backends.computeIfAbsent(dev, k -> new LinkedHashMap<>());
            List<long[]> vs4 = vips.computeIfAbsent(dev, k -> new ArrayList<>());
            for (L4ListenerConfig lc : vs.listeners()) {
                L4ListenerRuntime rt = runtimes.get(vs.name() + "|" + lc.key());
                Map<Backend, PacketBackend> ms = new IdentityHashMap<>();
                for (Backend b : rt.backends()) {
                    PacketBackend pb = member(b);
                    ms.put(b, pb);
                    bs.putIfAbsent(b, pb);
                }
                int proto = "udp".equals(lc.protocol()) ? Frames.PROTO_UDP : Frames.PROTO_TCP;
                for (String vip : vs.vips()) {
                    long[] a = address(vip);
                    ls.add(new PacketListener(rt, VirtualServiceConfig.DNAT.equals(vs.mode()), vip, a[0], a[1], proto,
                            Map.copyOf(ms)));
                    if (vs4.stream().noneMatch(v -> v[0] == a[0] && v[1] == a[1])) {
                        vs4.add(a);
                    }
                }
            }
        }
        Map<String, ServiceTable> out = new LinkedHashMap<>();
        for (String dev : listeners.keySet()) {
            out.put(dev, new ServiceTable(listeners.get(dev), List.copyOf(backends.get(dev).values()), vips.get(dev)));
        }
        return out;
    }

    private PacketBackend member(Backend b) {
        PacketBackend pb = members.get(b);
        if (pb != null) {
            return pb;
        }
        try {
            pb = new PacketBackend(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("backend " + b + ": packet mode needs an IP address, not "
                    + b.host(), e);
        }
        members.put(b, pb);
        return pb;
    }

    private static long[] address(String vip) {
        try {
            return Frames.split(InetAddress.getByName(vip));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("VIP " + vip + " is not an IP address", e);
        }
    }

    @Override
    public synchronized List<ConnectionEntry> connections(int limit) {
        List<ConnectionEntry> out = new ArrayList<>();
        for (PacketEngine e : engines.values()) {
            out.addAll(e.snapshot(Math.max(0, limit - out.size())));
        }
        return out;
    }

    @Override
    public List<BackendConnectionCounters> backendCounters() {
        List<BackendConnectionCounters> out = new ArrayList<>();
        for (BackendFlowCounters c : compiler.counters()) {
            out.add(new BackendConnectionCounters(c.service(), c.pool(), c.backend(), c.active(), c.fin(),
                    c.completed()));
        }
        out.sort(Comparator.comparing(BackendConnectionCounters::service)
                .thenComparing(BackendConnectionCounters::pool).thenComparing(BackendConnectionCounters::backend));
        return out;
    }

    /** The MAC address of the interface's packet path (0 when none runs), for tests and logs. */
    public synchronized long mac(String interfaceName) {
        PacketEngine e = engines.get(interfaceName);
        return e == null ? 0 : e.mac();
    }

    /** Whether every pool member of every interface's packet path has a known MAC address. */
    public synchronized boolean membersResolved() {
        return engines.values().stream().allMatch(PacketEngine::resolved);
    }

    /** The packet thread of an interface, null when none runs (tests read its affinity). */
    synchronized PacketEngine engine(String interfaceName) {
        return engines.get(interfaceName);
    }

    /** Frames the packet path of an interface has sent (forwarded, answered). */
    public synchronized long framesSent(String interfaceName) {
        PacketEngine e = engines.get(interfaceName);
        return e == null ? 0 : e.framesSent();
    }

    @Override
    public synchronized void close() {
        engines.values().forEach(PacketEngine::close);
        engines.clear();
        for (Backend b : watched) {
            b.removeListener(purgeOnFailure);
        }
        watched.clear();
    }

    private void publish(String kind, String subject, String reason) {
        if (events != null) {
            events.publish(kind, subject, reason, Map.of());
        }
    }
}
