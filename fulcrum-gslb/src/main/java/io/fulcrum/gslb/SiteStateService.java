package io.fulcrum.gslb;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.gslb.SiteConfig;
import io.fulcrum.core.config.gslb.VipConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.core.lifecycle.BindFailedException;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.gslb.check.ProbeResult;
import io.fulcrum.gslb.check.VipHealth;
import io.fulcrum.gslb.check.VipProbe;
import io.fulcrum.gslb.handoff.FreeCapacityOrder;
import io.fulcrum.gslb.handoff.HandoffRotation;
import io.fulcrum.gslb.handoff.HandoffTable;
import io.fulcrum.gslb.handoff.PreferenceLists;
import io.fulcrum.gslb.peer.DropReason;
import io.fulcrum.gslb.peer.MessageRejected;
import io.fulcrum.gslb.peer.MessageType;
import io.fulcrum.gslb.peer.PeerKey;
import io.fulcrum.gslb.peer.PeerTransport;
import io.fulcrum.gslb.peer.ReplayWindow;
import io.fulcrum.gslb.peer.SiteMessage;
import io.fulcrum.gslb.peer.SiteReport;
import io.fulcrum.gslb.peer.WireCodec;
import io.fulcrum.gslb.site.GslbSettings;
import io.fulcrum.gslb.site.LocalCapacity;
import io.fulcrum.gslb.site.SettledValues;
import io.fulcrum.gslb.site.ViewAnswers;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.http.Handoff;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The GSLB site state of this node (requirements 2.5 items 3-7): checks the other sites' VIPs,
 * exchanges UPDATE and EVENT messages with the configured peers, computes the ordered
 * hand-off table, and gives the proxy its redirect hand-off. Implements the
 * {@link SiteStateView} that the DNS policies read.
 *
 * <p>All state changes run on one thread of its own ({@code fulcrum-gslb}); readers (DNS,
 * the proxy's event loops) read immutable snapshots through volatile fields. Every state
 * change is published to the node's {@link EventLog}. Without a {@code gslb.site} in the
 * configuration it does nothing and reports every site up.
 */
public final class SiteStateService implements NodeService, SiteStateView {

    private static final Logger LOG = LoggerFactory.getLogger(SiteStateService.class);
    /** Sender name of queries from the command line. */
    public static final String CLI_SENDER = "fulcrum-cli";
    /** A peer silent for this many UPDATE intervals is reported unreachable. */
    static final int SILENT_INTERVALS = 3;
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ProxyServer proxy;
    private final EventLog events;
    private final AtomicLong version = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);
    private final Map<MessageType, AtomicLong> received = counters(MessageType.class);
    private final Map<MessageType, AtomicLong> sent = counters(MessageType.class);
    private final Map<DropReason, AtomicLong> dropped = counters(DropReason.class);
    private final Map<DropReason, Long> lastDropLog = new EnumMap<>(DropReason.class);
    private final AtomicLong handoffs = new AtomicLong();
    /** What each peer last told us, by site. */
    private final Map<String, PeerState> peers = new ConcurrentHashMap<>();

    private EventLoopGroup group;
    private EventLoop loop;
    private volatile PeerTransport transport;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    private volatile GslbSettings settings;
    private volatile ReplayWindow replay;
    /** Remote VIP health by site (immutable map of fixed lists). */
    private volatile Map<String, List<VipHealth>> remote = Map.of();
    /** The own site's VIPs, checked like the remote ones so that its response time is measured too. */
    private volatile List<VipHealth> own = List.of();
    /** Response times and remaining capacities per site as the view publishes them (moved past a margin only). */
    private final SettledValues times = SettledValues.responseTimes();
    private final SettledValues capacities = SettledValues.capacities();
    /** What the view answered when the version last moved; {@code null} forces the next move. Loop only. */
    private ViewAnswers published;
    private volatile LocalCapacity local = new LocalCapacity(List.of(), false, List.of());
    private volatile Set<String> down = Set.of();
    private volatile List<String> advertised = List.of();
    private volatile HandoffTable table = HandoffTable.EMPTY;
    private volatile HandoffRotation rotation = new HandoffRotation(HandoffTable.EMPTY, Set.of());
    private volatile Map<String, Double> shares = Map.of();

    /** What one peer last reported. */
    private static final class PeerState {
        volatile SiteReport report;
        volatile long lastHeardNanos;
        volatile boolean reachable;
        final AtomicLong events = new AtomicLong();
        final AtomicLong updates = new AtomicLong();
    }

    public SiteStateService(ProxyServer proxy, EventLog events) {
        this.proxy = proxy;
        this.events = events;
    }

    @Override
    public String name() {
        return "gslb";
    }

    /**
     * Resolves the {@code gslb} section as {@link #start} and {@link #apply} do (peer addresses,
     * secret files) and drops the result: binds nothing.
     *
     * @throws InvalidFieldException when a peer's secret cannot be read
     */
    public static void check(FulcrumConfig config) {
        if (!config.gslb().enabled()) {
            return;
        }
        try {
            GslbSettings.of(config.gslb());
        } catch (IOException e) {
            throw new InvalidFieldException("gslb.peers", e.getMessage(), e);
        }
    }

    @Override
    public synchronized void start(FulcrumConfig config) throws IOException {
        if (config.gslb().enabled()) {
            try {
                GslbSettings s = GslbSettings.of(config.gslb());
                begin(s, bindTransport(s));
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /**
     * Applies a changed {@code gslb} section: the checks restart, the socket is kept when
     * {@code bind} did not change, what peers reported is kept. A secret file that cannot be
     * read or an address that cannot be bound leaves the running state as it was.
     */
    @Override
    public synchronized void apply(FulcrumConfig config) throws IOException {
        GslbSettings current = settings;
        if (current != null && current.config().equals(config.gslb())) {
            return;
        }
        if (current == null && !config.gslb().enabled()) {
            return; // off before and after: nothing to apply, nothing to report
        }
        GslbSettings next = config.gslb().enabled() ? GslbSettings.of(config.gslb()) : null;
        PeerTransport keep = null;
        if (next != null) {
            boolean sameBind = current != null && transport != null
                    && current.config().bind().equals(next.config().bind());
            keep = sameBind ? transport : bindTransport(next);
        }
        stop(keep);
        if (next != null) {
            begin(next, keep);
        }
        events.publish("gslb.config.applied", next == null ? "" : next.self(),
                next == null ? "GSLB turned off" : "GSLB configuration applied", Map.of());
    }

    @Override
    public synchronized void close() {
        stop(null);
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
            loop = null;
        }
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    private PeerTransport bindTransport(GslbSettings s) throws IOException {
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fulcrum-gslb", true),
                    NioIoHandler.newFactory());
            loop = group.next();
        }
        try {
            return PeerTransport.bind(group, s.config().bind().socketAddress(), this::onDatagram);
        } catch (IOException e) {
            throw new BindFailedException("gslb.bind", e.getMessage(), e);
        }
    }

    private void begin(GslbSettings s, PeerTransport bound) {
        GslbConfig c = s.config();
        Map<String, List<VipHealth>> health = new LinkedHashMap<>();
        List<VipHealth> ownHealth = List.of();
        long halfLife = c.checks().halfLife().toNanos();
        for (SiteConfig site : c.sites()) {
            List<VipHealth> list = new ArrayList<>();
            for (VipConfig vip : site.vips()) {
                list.add(new VipHealth(site.name(), vip.address().toString(), c.checks().fall(), c.checks().rise(), halfLife));
            }
            if (site.name().equals(s.self())) {
                ownHealth = List.copyOf(list);
            } else {
                health.put(site.name(), List.copyOf(list));
            }
        }
        Map<String, List<VipHealth>> checked = Map.copyOf(health);
        List<VipHealth> ownChecked = ownHealth;
        ReplayWindow window = new ReplayWindow(c.maxClockSkew().toMillis());
        // The state is swapped on the service's thread, so no task there sees half of it.
        onLoop(() -> {
            transport = bound;
            replay = window;
            settings = s;
            remote = checked;
            own = ownChecked;
            times.clear();
            capacities.clear();
            published = null;
            peers.keySet().retainAll(peerSites(s));
            down = Set.of();
            advertised = List.of();
            evaluateLocal();
            recompute();
        });
        schedule(s);
        proxy.handoff(new RedirectHandoff(this));
        LOG.info("gslb: site {} exchanging state with {} peer(s) on {}", s.self(), s.peers().size(),
                bound.localAddress());
        events.publish("gslb.started", s.self(), "site-state service started",
                Map.of("bind", bound.localAddress().toString(), "peers", String.valueOf(s.peers().size())));
    }

    private void schedule(GslbSettings s) {
        GslbConfig c = s.config();
        long interval = c.checks().interval().toMillis();
        // The own VIPs too: the same checks give the own site a measured response time.
        List<VipHealth> probed = new ArrayList<>(own);
        remote.values().forEach(probed::addAll);
        for (VipHealth h : probed) {
            VipConfig vip = vipConfig(c, h.site(), h.vip());
            InetSocketAddress address = vip.address().socketAddress();
            String hostHeader = vip.hostHeader() != null ? vip.hostHeader() : vip.address().toString();
            VipProbe probe = new VipProbe(group, address, vip.check(), vip.path(), hostHeader,
                    c.checks().timeout().toMillis());
            boolean[] running = new boolean[1];
            tasks.add(loop.scheduleWithFixedDelay(() -> {
                if (!running[0]) {
                    running[0] = true;
                    probe.run().thenAccept(r -> loop.execute(() -> {
                        running[0] = false;
                        onProbe(h, r);
                    }));
                }
            }, 0, interval, TimeUnit.MILLISECONDS));
        }
        tasks.add(loop.scheduleWithFixedDelay(this::evaluateLocal, interval, interval, TimeUnit.MILLISECONDS));
        for (GslbSettings.Peer p : s.peers()) {
            if (p.intervalMillis() > 0) {
                tasks.add(loop.scheduleWithFixedDelay(() -> {
                    advertise();
                    send(p, MessageType.UPDATE, "");
                    watchSilence(p);
                }, 0, p.intervalMillis(), TimeUnit.MILLISECONDS));
            }
        }
    }

    /** Stops the checks and timers; closes the socket unless it is {@code keep}. */
    private void stop(PeerTransport keep) {
        for (ScheduledFuture<?> t : tasks) {
            t.cancel(false);
        }
        tasks.clear();
        PeerTransport old = transport;
        if (settings != null) {
            proxy.handoff(Handoff.NONE);
        }
        if (loop != null) {
            onLoop(() -> {
                transport = null;
                settings = null;
                remote = Map.of();
                own = List.of();
                times.clear();
                capacities.clear();
                published = null;
                table = HandoffTable.EMPTY;
                shares = Map.of();
                rotation = new HandoffRotation(HandoffTable.EMPTY, Set.of());
                version.incrementAndGet();
            });
        }
        if (old != null && old != keep) {
            old.close();
        }
    }

    /** Runs {@code r} on the service's thread and waits for it. */
    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.submit(r).syncUninterruptibly();
        }
    }

    // ---- checks and local state (on the gslb loop) ----------------------------------------------

    private void onProbe(VipHealth h, ProbeResult r) {
        List<VipHealth> current = settings == null ? null
                : own.contains(h) ? own : remote.get(h.site());
        if (current == null || !current.contains(h)) {
            return; // a probe of a configuration since replaced
        }
        boolean changed = h.record(r, System.nanoTime());
        times.settle(h.site(), measuredMillis(current));
        if (changed) {
            events.publish(h.up() ? "gslb.vip.up" : "gslb.vip.down", h.site() + "/" + h.vip(),
                    h.up() ? "VIP passes its checks again" : "VIP fails its checks: " + r.detail(),
                    Map.of("check", r.detail()));
            recompute();
        } else {
            publishChanges();
        }
    }

    /**
     * Moves the view's version when what the view answers has changed since it last moved:
     * readers rebuild what they derived from it (DNS answers) on real changes only, not on
     * every check or UPDATE.
     */
    private void publishChanges() {
        GslbSettings s = settings;
        if (s == null) {
            return;
        }
        ViewAnswers now = ViewAnswers.of(this, s.config());
        if (!now.equals(published)) {
            published = now;
            version.incrementAndGet();
        }
    }

    private void evaluateLocal() {
        GslbSettings s = settings;
        if (s == null) {
            return;
        }
        LocalCapacity before = local;
        LocalCapacity now = LocalCapacity.read(s.ownSite(), proxy.runtime(), System.nanoTime());
        local = now;
        capacities.settle(s.self(), measuredCapacity(s.self()));
        publishChanges();
        if (now.limitHit() != before.limitHit()) {
            if (now.limitHit()) {
                String reason = "local limit: no healthy server, or all at max connections, on "
                        + String.join(", ", now.limited());
                events.publish("gslb.limit.hit", s.self(), reason, Map.of("vips", String.join(",", now.limited())));
                recompute();
                sendAll(MessageType.EVENT, reason);
            } else {
                events.publish("gslb.limit.cleared", s.self(), "local VIPs can take requests again", Map.of());
                recompute();
                sendAll(MessageType.UPDATE, "");
            }
        }
    }

    /** Recomputes which sites are down and the hand-off table; publishes what changed. */
    private void recompute() {
        GslbSettings s = settings;
        if (s == null) {
            return;
        }
        Set<String> nowDown = new HashSet<>();
        for (SiteConfig site : s.config().sites()) {
            if (!siteUp(site.name())) {
                nowDown.add(site.name());
            }
        }
        Set<String> before = down;
        down = Set.copyOf(nowDown);
        List<String> newlyDown = new ArrayList<>();
        for (String site : nowDown) {
            if (!before.contains(site)) {
                newlyDown.add(site);
                events.publish("gslb.site.down", site, "site left out of the hand-off table", Map.of());
            }
        }
        for (String site : before) {
            if (!nowDown.contains(site)) {
                events.publish("gslb.site.up", site, "site back in the hand-off table", Map.of());
            }
        }
        HandoffTable next = computeTable(s);
        if (!next.equals(table)) {
            table = next;
            shares = java.util.Collections.unmodifiableMap(next.shares());
            rotation = new HandoffRotation(next, Set.of(s.self()));
            Map<String, String> details = new LinkedHashMap<>();
            details.put("order", String.join(",", next.shares().keySet()));
            for (HandoffTable.Row r : next.rows()) {
                details.put(r.site(), r.weight() + " (" + String.format(java.util.Locale.ROOT, "%.3f", r.share()) + ")");
            }
            events.publish("gslb.table.changed", s.self(), "hand-off table recomputed", details);
        }
        publishChanges();
        for (String site : newlyDown) {
            if (!site.equals(s.self())) {
                sendAll(MessageType.EVENT, "site " + site + " unreachable");
            }
        }
    }

    private HandoffTable computeTable(GslbSettings s) {
        GslbConfig c = s.config();
        if (c.preferFreeCapacity() && c.sites().size() <= 3) {
            Map<String, Double> free = new HashMap<>();
            double own = local.freeFraction();
            if (!Double.isNaN(own)) {
                free.put(s.self(), own);
            }
            for (var e : peers.entrySet()) {
                SiteReport r = e.getValue().report;
                double f = r == null ? Double.NaN : LocalCapacity.freeFraction(r.capacity());
                if (!Double.isNaN(f)) {
                    free.put(e.getKey(), f);
                }
            }
            return FreeCapacityOrder.compute(free, down);
        }
        Map<String, List<String>> lists = new HashMap<>();
        lists.put(s.self(), advertised);
        for (var e : peers.entrySet()) {
            SiteReport r = e.getValue().report;
            if (r != null) {
                lists.put(e.getKey(), r.preferences());
            }
        }
        return HandoffTable.compute(lists, c.handoffWeights(), down);
    }

    /** Refreshes the preference list this site advertises (and uses for its own row). */
    private void advertise() {
        GslbSettings s = settings;
        if (s == null) {
            return;
        }
        Map<String, Double> measured = new HashMap<>();
        for (var e : remote.entrySet()) {
            double t = measuredMillis(e.getValue());
            if (!Double.isNaN(t)) {
                measured.put(e.getKey(), t);
            }
        }
        List<String> next = PreferenceLists.of(s.self(), measured, advertised);
        if (!next.equals(advertised)) {
            advertised = next;
            recompute();
        }
    }

    private void watchSilence(GslbSettings.Peer p) {
        PeerState st = peers.get(p.site());
        if (st != null && st.reachable
                && System.nanoTime() - st.lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(p.intervalMillis())
                        * SILENT_INTERVALS) {
            st.reachable = false;
            String reason = "peer " + p.site() + " silent for " + SILENT_INTERVALS + " intervals";
            events.publish("gslb.peer.down", p.site(), reason, Map.of());
            sendAll(MessageType.EVENT, reason);
        }
    }

    // ---- protocol -------------------------------------------------------------------------------

    private void sendAll(MessageType type, String reason) {
        GslbSettings s = settings;
        if (s == null) {
            return;
        }
        // Every peer gets this message, so the list it carries may change now (with UPDATEs off,
        // EVENTs are the only way the list travels).
        advertise();
        for (GslbSettings.Peer p : s.peers()) {
            send(p, type, reason);
        }
    }

    private void send(GslbSettings.Peer p, MessageType type, String reason) {
        GslbSettings s = settings;
        PeerTransport t = transport;
        if (s == null || t == null) {
            return;
        }
        SiteMessage m = new SiteMessage(type, s.self(), System.currentTimeMillis(), sequence.incrementAndGet(),
                reason, report(), null);
        t.send(p.address(), WireCodec.encode(m, p.key()));
        sent.get(type).incrementAndGet();
    }

    /** This site's state as it goes into UPDATE and EVENT. */
    SiteReport report() {
        List<SiteReport.VipTime> times = new ArrayList<>();
        for (List<VipHealth> list : remote.values()) {
            for (VipHealth h : list) {
                times.add(new SiteReport.VipTime(h.site(), h.vip(), h.averageMillis(), h.up()));
            }
        }
        Runtime rt = Runtime.getRuntime();
        long freeMemory = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        LocalCapacity l = local;
        return new SiteReport(advertised, times, l.vips(), freeMemory, l.limitHit());
    }

    private void onDatagram(byte[] data, InetSocketAddress from) {
        GslbSettings s = settings;
        ReplayWindow window = replay;
        if (s == null || window == null) {
            return;
        }
        Map<String, PeerKey> keys = s.keys();
        try {
            WireCodec.Verified v = WireCodec.decode(data, keys::get);
            SiteMessage m = v.message();
            window.accept(v.key().keyId(), m, System.currentTimeMillis());
            switch (m.type()) {
                case UPDATE, EVENT -> onReport(v.key(), m);
                case QUERY -> answerQuery(v.key(), m, from);
                case TABLE -> throw new MessageRejected(DropReason.UNEXPECTED, "TABLE is an answer, not a request");
            }
        } catch (MessageRejected e) {
            drop(e.reason(), from, e.getMessage());
        }
    }

    private void onReport(PeerKey key, SiteMessage m) throws MessageRejected {
        if (!m.sender().equals(key.site())) {
            throw new MessageRejected(DropReason.UNEXPECTED, "sender \"" + m.sender()
                    + "\" does not hold key \"" + key.keyId() + "\"");
        }
        received.get(m.type()).incrementAndGet();
        PeerState st = peers.computeIfAbsent(m.sender(), k -> new PeerState());
        st.report = m.report();
        st.lastHeardNanos = System.nanoTime();
        if (!st.reachable) {
            st.reachable = true;
            events.publish("gslb.peer.up", m.sender(), "site-state messages arrive", Map.of());
        }
        if (m.type() == MessageType.EVENT) {
            st.events.incrementAndGet();
            events.publish("gslb.event.received", m.sender(), m.reason(),
                    Map.of("limitHit", String.valueOf(m.report().limitHit())));
        } else {
            st.updates.incrementAndGet();
        }
        capacities.settle(m.sender(), measuredCapacity(m.sender()));
        recompute();
    }

    private void answerQuery(PeerKey key, SiteMessage m, InetSocketAddress from) {
        GslbSettings s = settings;
        received.get(MessageType.QUERY).incrementAndGet();
        SiteMessage answer = new SiteMessage(MessageType.TABLE, s.self(), System.currentTimeMillis(),
                sequence.incrementAndGet(), "", null, table);
        transport.send(from, WireCodec.encode(answer, key));
        sent.get(MessageType.TABLE).incrementAndGet();
    }

    private void drop(DropReason reason, InetSocketAddress from, String detail) {
        dropped.get(reason).incrementAndGet();
        long now = System.nanoTime();
        Long last = lastDropLog.get(reason);
        // Logged at most once a second per reason: a flood must not fill the log.
        if (last == null || now - last >= DROP_LOG_INTERVAL_NANOS) {
            lastDropLog.put(reason, now);
            LOG.warn("gslb: dropped a site-state datagram from {}: {}", from, detail);
            events.publish("gslb.message.dropped", String.valueOf(from), detail,
                    Map.of("reason", reason.label(), "count", String.valueOf(dropped.get(reason).get())));
        }
    }

    // ---- SiteStateView --------------------------------------------------------------------------

    @Override
    public boolean siteUp(String site) {
        GslbSettings s = settings;
        if (s == null) {
            return true;
        }
        if (site.equals(s.self())) {
            return !local.limitHit();
        }
        PeerState st = peers.get(site);
        if (st != null && st.report != null && st.report.limitHit()) {
            return false;
        }
        List<VipHealth> list = remote.get(site);
        if (list == null || list.isEmpty()) {
            return true;
        }
        for (VipHealth h : list) {
            if (h.up()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean vipUp(String site, String vip) {
        GslbSettings s = settings;
        if (s == null) {
            return true;
        }
        if (site.equals(s.self())) {
            for (String limited : local.limited()) {
                if (sameVip(limited, vip)) {
                    return false;
                }
            }
            return true;
        }
        List<VipHealth> list = remote.get(site);
        if (list != null) {
            for (VipHealth h : list) {
                if (sameVip(h.vip(), vip)) {
                    return h.up();
                }
            }
        }
        return true;
    }

    /** {@code vip} given as {@code host:port} or just the host. */
    private static boolean sameVip(String configured, String asked) {
        if (configured.equals(asked)) {
            return true;
        }
        return HostPort.parse(configured).host().equals(asked);
    }

    /**
     * The site's response time as this site measures it (own site included), published
     * only once it has moved past the reordering margin ({@link SettledValues#responseTimes()}).
     */
    @Override
    public OptionalDouble responseTimeMillis(String site) {
        return settings == null ? OptionalDouble.empty() : times.get(site);
    }

    /** The mean of the VIPs' time-weighted averages, NaN when none is measured yet. */
    private static double measuredMillis(List<VipHealth> list) {
        double sum = 0;
        int n = 0;
        for (VipHealth h : list) {
            double v = h.averageMillis();
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * The site's remaining connections (own: read from the proxy; peers: as reported),
     * published only once they have moved past a margin ({@link SettledValues#capacities()}).
     */
    @Override
    public OptionalLong remainingCapacity(String site) {
        if (settings == null) {
            return OptionalLong.empty();
        }
        OptionalDouble c = capacities.get(site);
        return c.isPresent() ? OptionalLong.of((long) c.getAsDouble()) : OptionalLong.empty();
    }

    /** The site's remaining connections as last read or reported, NaN when unknown. */
    private double measuredCapacity(String site) {
        GslbSettings s = settings;
        long r;
        if (s == null) {
            return Double.NaN;
        } else if (site.equals(s.self())) {
            r = local.remaining();
        } else {
            PeerState st = peers.get(site);
            if (st == null || st.report == null) {
                return Double.NaN;
            }
            r = LocalCapacity.remaining(st.report.capacity());
        }
        return r < 0 ? Double.NaN : r;
    }

    @Override
    public Map<String, Double> handoffShares() {
        return shares;
    }

    @Override
    public long version() {
        return version.get();
    }

    // ---- for the hand-off, the command line, the admin API and tests ----------------------------

    /** The current hand-off table, best first (plain records; the admin API serves these). */
    public List<HandoffTable.Row> handoffTable() {
        return table.rows();
    }

    /** The next site a request this site cannot serve goes to, or {@code null} to refuse. */
    String nextHandoffTarget() {
        GslbSettings s = settings;
        if (s == null) {
            return null;
        }
        String target = rotation.next(site -> !site.equals(s.self()) && siteUp(site));
        if (target != null) {
            handoffs.incrementAndGet();
        }
        return target;
    }

    /** The settings in force, or {@code null} when GSLB is off. */
    GslbSettings settings() {
        return settings;
    }

    /** Where the site-state socket is bound, or {@code null}. */
    public InetSocketAddress boundAddress() {
        PeerTransport t = transport;
        return t == null ? null : t.localAddress();
    }

    /** The preference list this site advertises. */
    public List<String> preferences() {
        return advertised;
    }

    /**
     * The shared response-time matrix as this site knows it: for each measuring site (this
     * one from its own checks, the peers from their last report), the time-weighted average
     * in milliseconds per remote VIP ({@code site/vip}); NaN where not measured yet.
     */
    public Map<String, Map<String, Double>> responseMatrix() {
        Map<String, Map<String, Double>> m = new java.util.TreeMap<>();
        GslbSettings s = settings;
        if (s == null) {
            return m;
        }
        Map<String, Double> own = new java.util.TreeMap<>();
        for (List<VipHealth> list : remote.values()) {
            for (VipHealth h : list) {
                own.put(h.site() + "/" + h.vip(), h.averageMillis());
            }
        }
        m.put(s.self(), own);
        for (var e : peers.entrySet()) {
            SiteReport r = e.getValue().report;
            if (r != null) {
                Map<String, Double> row = new java.util.TreeMap<>();
                for (SiteReport.VipTime t : r.responseTimes()) {
                    row.put(t.site() + "/" + t.vip(), t.millis());
                }
                m.put(e.getKey(), row);
            }
        }
        return m;
    }

    /** The last report received from this peer, or {@code null}. */
    public SiteReport lastReport(String site) {
        PeerState st = peers.get(site);
        return st == null ? null : st.report;
    }

    /** Valid messages of this type received. */
    public long received(MessageType type) {
        return received.get(type).get();
    }

    /** Messages of this type sent. */
    public long sent(MessageType type) {
        return sent.get(type).get();
    }

    /** EVENT messages received from this peer. */
    public long eventsFrom(String site) {
        PeerState st = peers.get(site);
        return st == null ? 0 : st.events.get();
    }

    /** Datagrams dropped for this reason. */
    public long dropped(DropReason reason) {
        return dropped.get(reason).get();
    }

    /** Requests redirected to another site. */
    public long handoffs() {
        return handoffs.get();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static Set<String> peerSites(GslbSettings s) {
        Set<String> out = new HashSet<>();
        for (GslbSettings.Peer p : s.peers()) {
            out.add(p.site());
        }
        return out;
    }

    private static VipConfig vipConfig(GslbConfig c, String site, String address) {
        for (VipConfig v : c.siteNamed(site).vips()) {
            if (v.address().toString().equals(address)) {
                return v;
            }
        }
        throw new IllegalStateException("no VIP " + address + " at " + site);
    }

    private static <E extends Enum<E>> Map<E, AtomicLong> counters(Class<E> type) {
        Map<E, AtomicLong> m = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            m.put(e, new AtomicLong());
        }
        return m;
    }
}
