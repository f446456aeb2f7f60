package io.fulcrum.gslb;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.core.lifecycle.BindFailedException;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.gslb.check.VipMonitor;
import io.fulcrum.gslb.check.VipState;
import io.fulcrum.gslb.handoff.HandoffTable;
import io.fulcrum.gslb.peer.MessageType;
import io.fulcrum.gslb.peer.PeerProtocol;
import io.fulcrum.gslb.peer.PeerTransport;
import io.fulcrum.gslb.peer.SiteReport;
import io.fulcrum.gslb.site.GslbSettings;
import io.fulcrum.gslb.site.LocalCapacity;
import io.fulcrum.gslb.site.ViewAnswers;
import io.fulcrum.health.check.CheckResult;
import io.fulcrum.health.check.RiseFall;
import io.fulcrum.nativeio.ReservedCpus;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The GSLB site state of this node (requirements 2.5 items 3-7), put together from its parts:
 * the {@link VipMonitor} checks every site's VIPs, the {@link PeerProtocol} exchanges reports
 * with the peers, the {@link HandoffComputer} derives the down sites and the hand-off table.
 * Whatever one of them learns, this service folds into a new {@link SiteState} and publishes
 * it whole; the DNS policies ({@link SiteStateView}), the proxy's redirect hand-off and the
 * admin views read that state. Every state change is published to the node's {@link EventLog}.
 *
 * <p>Threads: the parts and the publication run on one event loop of the service's own
 * ({@code fulcrum-gslb}); checks block on virtual threads. The state is one volatile
 * reference, so a reader sees one moment or the next, never a mix. Without a
 * {@code gslb.site} in the configuration it does nothing and reports every site up.
 */
public final class SiteStateService implements NodeService, SiteStateView {

    private static final Logger LOG = LoggerFactory.getLogger(SiteStateService.class);
    /** Sender name of queries from the command line. */
    public static final String CLI_SENDER = "fulcrum-cli";
    /** How often the own capacity is read when no own VIP names a check interval. */
    private static final long DEFAULT_LOCAL_INTERVAL_MILLIS = 1000;

    private final ProxyServer proxy;
    private final EventLog events;
    private final PeerProtocol protocol;

    private EventLoopGroup group;
    private EventLoop loop;
    /** The socket in use (guarded by {@code this}: the lifecycle methods are synchronized). */
    private PeerTransport transport;
    /** Loop only: the checks of the configuration in force, and the local capacity timer. */
    private VipMonitor monitor;
    private ScheduledFuture<?> localTask;

    /** The one published state: replaced whole on the service's loop, read anywhere. */
    private volatile SiteState state = SiteState.off(0);

    public SiteStateService(ProxyServer proxy, EventLog events) {
        this.proxy = proxy;
        this.events = events;
        this.protocol = new PeerProtocol(events, new PeerProtocol.Site() {
            @Override
            public SiteReport report() {
                return reportForPeers();
            }

            @Override
            public HandoffTable table() {
                return state.table();
            }

            @Override
            public void peersChanged() {
                refresh();
            }
        });
    }

    @Override
    public String name() {
        return "gslb";
    }

    /** In use while GSLB is on (an enabled {@code gslb} section is in force). */
    @Override
    public boolean inUse() {
        return state.settings() != null;
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
            GslbSettings.of(config.gslb(), config.sites());
        } catch (IOException e) {
            throw new InvalidFieldException("gslb.peers", e.getMessage(), e);
        }
    }

    @Override
    public synchronized void start(FulcrumConfig config) throws IOException {
        if (config.gslb().enabled()) {
            try {
                GslbSettings s = GslbSettings.of(config.gslb(), config.sites());
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
        GslbSettings current = state.settings();
        if (current != null && current.config().equals(config.gslb()) && current.sites().equals(config.sites())) {
            return;
        }
        if (current == null && !config.gslb().enabled()) {
            return; // off before and after: nothing to apply, nothing to report
        }
        GslbSettings next = config.gslb().enabled() ? GslbSettings.of(config.gslb(), config.sites()) : null;
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
            group = new MultiThreadIoEventLoopGroup(1, ReservedCpus.apart(new DefaultThreadFactory("fulcrum-gslb", true)),
                    NioIoHandler.newFactory());
            loop = group.next();
        }
        try {
            return PeerTransport.bind(group, s.config().bind().socketAddress(), protocol::onDatagram);
        } catch (IOException e) {
            throw new BindFailedException("gslb.bind", e.getMessage(), e);
        }
    }

    private void begin(GslbSettings s, PeerTransport bound) {
        transport = bound;
        // The parts start and the first state is published on the service's loop, so no task
        // there sees half of it.
        onLoop(() -> {
            monitor = new VipMonitor(s.config(), s.sites(), loop, this::onCheck);
            protocol.begin(s, bound, loop);
            state = SiteState.started(s, state.version() + 1, vipStates(s), protocol.peers());
            evaluateLocal();
            monitor.start();
            long interval = localInterval(s.ownSite());
            localTask = loop.scheduleWithFixedDelay(this::evaluateLocal, interval, interval, TimeUnit.MILLISECONDS);
        });
        proxy.handoff(new RedirectHandoff(this));
        LOG.info("gslb: site {} exchanging state with {} peer(s) on {}", s.self(), s.peers().size(),
                bound.localAddress());
        events.publish("gslb.started", s.self(), "site-state service started",
                Map.of("bind", bound.localAddress().toString(), "peers", String.valueOf(s.peers().size())));
    }

    /** Stops the checks and timers; closes the socket unless it is {@code keep}. */
    private void stop(PeerTransport keep) {
        if (state.settings() != null) {
            proxy.handoff(Handoff.NONE);
        }
        if (loop != null) {
            onLoop(() -> {
                if (monitor != null) {
                    monitor.close();
                    monitor = null;
                }
                if (localTask != null) {
                    localTask.cancel(false);
                    localTask = null;
                }
                protocol.stop();
                state = SiteState.off(state.version() + 1);
            });
        }
        if (transport != null && transport != keep) {
            transport.close();
        }
        transport = null;
    }

    /**
     * The own site's capacity is read as often as its VIPs are checked (the shortest of their
     * check intervals): a local limit is noticed as soon as a check would notice it.
     */
    private static long localInterval(SiteConfig own) {
        long shortest = Long.MAX_VALUE;
        for (VipConfig v : own.vips()) {
            shortest = Math.min(shortest, v.check().interval().toMillis());
        }
        return shortest == Long.MAX_VALUE ? DEFAULT_LOCAL_INTERVAL_MILLIS : Math.max(1, shortest);
    }

    /** Runs {@code r} on the service's thread and waits for it. */
    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.submit(r).syncUninterruptibly();
        }
    }

    // ---- what the parts learn, folded into the published state (on the loop) --------------------

    private void onCheck(VipState vip, RiseFall.Change change, CheckResult result) {
        if (change != RiseFall.Change.NONE) {
            boolean up = change == RiseFall.Change.CAME_UP;
            events.publish(up ? "gslb.vip.up" : "gslb.vip.down", vip.site() + "/" + vip.vip(),
                    up ? "VIP passes its " + vip.check() + " check again"
                            : "VIP fails its " + vip.check() + " check: " + result.detail(),
                    Map.of("check", vip.check(), "detail", result.detail()));
        }
        refresh();
    }

    private void evaluateLocal() {
        SiteState before = state;
        GslbSettings s = before.settings();
        if (s == null) {
            return;
        }
        LocalCapacity now = LocalCapacity.read(s.ownSite(), proxy.runtime(), System.nanoTime());
        boolean limitChanged = now.limitHit() != before.local().limitHit();
        String reason = "local limit: no healthy server, or all at max connections, on "
                + String.join(", ", now.limited());
        if (limitChanged && now.limitHit()) {
            events.publish("gslb.limit.hit", s.self(), reason, Map.of("vips", String.join(",", now.limited())));
        } else if (limitChanged) {
            events.publish("gslb.limit.cleared", s.self(), "local VIPs can take requests again", Map.of());
        }
        refresh(now, before.preferences());
        if (limitChanged) {
            protocol.sendAll(now.limitHit() ? MessageType.EVENT : MessageType.UPDATE, now.limitHit() ? reason : "");
        }
    }

    /** This site's report as it goes to the peers now, with the preference list brought up to date first. */
    private SiteReport reportForPeers() {
        SiteState st = state;
        if (st.settings() != null) {
            List<String> next = HandoffComputer.preferences(st);
            if (!next.equals(st.preferences())) {
                refresh(st.local(), next);
            }
        }
        Runtime rt = Runtime.getRuntime();
        return state.report(rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
    }

    private void refresh() {
        SiteState st = state;
        refresh(st.local(), st.preferences());
    }

    /**
     * Builds the next state from what the parts know now, publishes it (its version moved
     * only when an answer of the view changed, so DNS rebuilds on real changes only), and
     * announces what changed.
     */
    private void refresh(LocalCapacity local, List<String> preferences) {
        SiteState before = state;
        GslbSettings s = before.settings();
        if (s == null || monitor == null) {
            return;
        }
        SiteState next = HandoffComputer.handoff(before.measured(s, vipStates(s), local, protocol.peers(),
                preferences));
        boolean moved = !ViewAnswers.of(next, s.sites()).equals(ViewAnswers.of(before, s.sites()));
        next = next.withVersion(moved ? before.version() + 1 : before.version());
        state = next;
        announce(before, next);
    }

    private Map<String, List<VipState>> vipStates(GslbSettings s) {
        Map<String, List<VipState>> out = new LinkedHashMap<>();
        for (SiteConfig site : s.sites()) {
            out.put(site.name(), monitor.states(site.name()));
        }
        return out;
    }

    /** Events for the sites that went down or came up and for a new table; EVENTs for sites newly down. */
    private void announce(SiteState before, SiteState next) {
        List<String> newlyDown = new ArrayList<>();
        for (String site : next.down()) {
            if (!before.down().contains(site)) {
                newlyDown.add(site);
                events.publish("gslb.site.down", site, "site left out of the hand-off table", Map.of());
            }
        }
        for (String site : before.down()) {
            if (!next.down().contains(site)) {
                events.publish("gslb.site.up", site, "site back in the hand-off table", Map.of());
            }
        }
        if (!next.table().equals(before.table())) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("order", String.join(",", next.shares().keySet()));
            for (HandoffTable.Row r : next.table().rows()) {
                details.put(r.site(), r.weight() + " (" + String.format(java.util.Locale.ROOT, "%.3f", r.share()) + ")");
            }
            events.publish("gslb.table.changed", next.self(), "hand-off table recomputed", details);
        }
        for (String site : newlyDown) {
            if (!site.equals(next.self())) {
                protocol.sendAll(MessageType.EVENT, "site " + site + " unreachable");
            }
        }
    }

    // ---- SiteStateView: the published state's answers --------------------------------------------

    @Override
    public boolean siteUp(String site) {
        return state.siteUp(site);
    }

    @Override
    public boolean vipUp(String site, String vip) {
        return state.vipUp(site, vip);
    }

    @Override
    public OptionalDouble responseTimeMillis(String site) {
        return state.responseTimeMillis(site);
    }

    @Override
    public OptionalLong remainingCapacity(String site) {
        return state.remainingCapacity(site);
    }

    @Override
    public Map<String, Double> handoffShares() {
        return state.handoffShares();
    }

    @Override
    public long version() {
        return state.version();
    }

    /** The state published now (one moment: all its answers agree). */
    @Override
    public SiteState snapshot() {
        return state;
    }
}
