package io.fulcrum.gslb.peer;

import io.fulcrum.core.event.EventLog;
import io.fulcrum.gslb.handoff.HandoffTable;
import io.fulcrum.gslb.site.GslbSettings;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The site-state protocol of one site (requirements 2.5 items 4-5): sends its report to the
 * peers (UPDATE on each peer's interval, EVENT when something changed), takes theirs in
 * (verified, replay-checked), answers QUERY with the hand-off table, and notices a peer that
 * fell silent. What it learns goes to its {@link Site}, which publishes it.
 *
 * <p>Everything runs on the GSLB event loop.
 * What peers reported survives a reload ({@link #begin} again), for the peers still configured.
 */
public final class PeerProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(PeerProtocol.class);
    /** A peer silent for this many UPDATE intervals is reported unreachable. */
    public static final int SILENT_INTERVALS = 3;
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The site this protocol speaks for. Called on the loop. */
    public interface Site {
        /** This site's report as it goes out now. */
        SiteReport report();

        /** The hand-off table a QUERY is answered with. */
        HandoffTable table();

        /** A report came in, or a peer's reachability changed: {@link #peers()} has changed. */
        void peersChanged();
    }

    private final EventLog events;
    private final Site site;
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);
    private final Map<DropReason, AtomicLong> dropped = counters(DropReason.class);
    private final Map<DropReason, Long> lastDropLog = new EnumMap<>(DropReason.class);
    /** What each peer last told us, by site. Loop only. */
    private final Map<String, Peer> peers = new HashMap<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    /** Loop only; {@code null} while stopped. */
    private GslbSettings settings;
    private ReplayWindow replay;
    /** Written on the loop. */
    private volatile PeerTransport transport;

    /** What one peer last reported (loop only). */
    private static final class Peer {
        SiteReport report;
        long lastHeardNanos;
        boolean reachable;
        long events;
        long updates;

        PeerStatus status() {
            return new PeerStatus(report, reachable, events, updates);
        }
    }

    public PeerProtocol(EventLog events, Site site) {
        this.events = events;
        this.site = site;
    }

    /** Starts talking to the peers of {@code s} over {@code t}, with UPDATE timers on {@code loop}. On the loop. */
    public void begin(GslbSettings s, PeerTransport t, EventLoop loop) {
        settings = s;
        transport = t;
        replay = new ReplayWindow(s.config().maxClockSkew().toMillis());
        Set<String> configured = new HashSet<>();
        for (GslbSettings.Peer p : s.peers()) {
            configured.add(p.site());
        }
        peers.keySet().retainAll(configured);
        for (GslbSettings.Peer p : s.peers()) {
            if (p.intervalMillis() > 0) {
                tasks.add(loop.scheduleWithFixedDelay(() -> {
                    send(p, MessageType.UPDATE, "");
                    watchSilence(p);
                }, 0, p.intervalMillis(), TimeUnit.MILLISECONDS));
            }
        }
    }

    /** Stops the timers and stops answering; the socket is the caller's to close. On the loop. */
    public void stop() {
        for (ScheduledFuture<?> t : tasks) {
            t.cancel(false);
        }
        tasks.clear();
        settings = null;
        replay = null;
        transport = null;
    }

    /** What this site knows of each peer that has reported, by site. On the loop. */
    public Map<String, PeerStatus> peers() {
        Map<String, PeerStatus> out = new HashMap<>();
        peers.forEach((name, p) -> out.put(name, p.status()));
        return Map.copyOf(out);
    }

    /** Sends {@code type} to every peer: an EVENT at once when something changed. On the loop. */
    public void sendAll(MessageType type, String reason) {
        GslbSettings s = settings;
        if (s == null) {
            return;
        }
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
                reason, site.report(), null);
        t.send(p.address(), WireCodec.encode(m, p.key()));
    }

    private void watchSilence(GslbSettings.Peer p) {
        Peer st = peers.get(p.site());
        if (st != null && st.reachable
                && System.nanoTime() - st.lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(p.intervalMillis())
                        * SILENT_INTERVALS) {
            st.reachable = false;
            String reason = "peer " + p.site() + " silent for " + SILENT_INTERVALS + " intervals";
            events.publish("gslb.peer.down", p.site(), reason, Map.of());
            site.peersChanged();
            sendAll(MessageType.EVENT, reason);
        }
    }

    /** Takes one received datagram (the transport's receiver). On the loop. */
    public void onDatagram(byte[] data, InetSocketAddress from) {
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
                case QUERY -> answerQuery(s, v.key(), from);
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
        Peer st = peers.computeIfAbsent(m.sender(), k -> new Peer());
        st.report = m.report();
        st.lastHeardNanos = System.nanoTime();
        if (!st.reachable) {
            st.reachable = true;
            events.publish("gslb.peer.up", m.sender(), "site-state messages arrive", Map.of());
        }
        if (m.type() == MessageType.EVENT) {
            st.events++;
            events.publish("gslb.event.received", m.sender(), m.reason(),
                    Map.of("limitHit", String.valueOf(m.report().limitHit())));
        } else {
            st.updates++;
        }
        site.peersChanged();
    }

    private void answerQuery(GslbSettings s, PeerKey key, InetSocketAddress from) {
        SiteMessage answer = new SiteMessage(MessageType.TABLE, s.self(), System.currentTimeMillis(),
                sequence.incrementAndGet(), "", null, site.table());
        transport.send(from, WireCodec.encode(answer, key));
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

    private static <E extends Enum<E>> Map<E, AtomicLong> counters(Class<E> type) {
        Map<E, AtomicLong> m = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            m.put(e, new AtomicLong());
        }
        return m;
    }
}
