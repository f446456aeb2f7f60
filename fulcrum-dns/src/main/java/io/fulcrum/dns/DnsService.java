package io.fulcrum.dns;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.core.lifecycle.BindFailedException;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.dns.geo.CountryDatabase;
import io.fulcrum.dns.geo.GeoLocator;
import io.fulcrum.dns.gslb.GslbRecord;
import io.fulcrum.dns.server.AnswerPathWarmUp;
import io.fulcrum.dns.server.DnsServer;
import io.fulcrum.dns.zone.SnapshotBuilder;
import io.fulcrum.dns.zone.ZoneSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The DNS server as a node service. A new configuration is compiled into a new zone
 * snapshot first; only when that works is it swapped in (which drops every cached reply),
 * and the sockets are rebound only when the listen addresses or thread count changed.
 */
public final class DnsService implements NodeService {

    private static final Logger LOG = LoggerFactory.getLogger(DnsService.class);

    private final EventLog events;
    private final DnsEngine engine = new DnsEngine();
    private DnsServer server;
    private DnsConfig current = DnsConfig.off();
    /** Whether {@link #current} is enabled: read without the lock (the admin API asks on its event loop). */
    private volatile boolean enabled;
    private CountryDatabase database;

    /** @param events where state changes are published ({@code null} for none) */
    public DnsService(EventLog events) {
        this.events = events;
    }

    @Override
    public String name() {
        return "dns";
    }

    /** In use while the configuration in force has an enabled {@code dns} section. */
    @Override
    public boolean inUse() {
        return enabled;
    }

    /** Plugs in the GSLB site state the policies read (default: {@link SiteStateView#unknown()}). */
    public void siteState(SiteStateView view) {
        engine.siteState(Objects.requireNonNullElse(view, SiteStateView.unknown()));
    }

    /**
     * Plugs in the cluster's membership: GSLB answers then list only live members' VIPs and
     * refer only to live lower-tier nodes (default: {@link io.fulcrum.core.cluster.LiveMembers#everyone()}).
     */
    public void liveMembers(io.fulcrum.core.cluster.LiveMembers members) {
        engine.liveMembers(Objects.requireNonNullElse(members, io.fulcrum.core.cluster.LiveMembers.everyone()));
    }

    /** The counters. */
    public DnsStats stats() {
        return engine.stats();
    }

    /** The engine (snapshot, geo, site state) the event loops answer from. */
    public DnsEngine engine() {
        return engine;
    }

    /** How UDP is served ({@link DnsServer#udpTransport()}); {@code null} when off. */
    public synchronized String udpTransport() {
        return server == null ? null : server.udpTransport();
    }

    /** Where the server listens (ports resolved); empty when off. */
    public synchronized List<InetSocketAddress> boundAddresses() {
        return server == null ? List.of() : server.boundAddresses();
    }

    /**
     * Compiles the {@code dns} section as {@link #apply} does (zones, zone files, GSLB records)
     * and opens its geo database, then drops both: binds nothing.
     *
     * @throws InvalidFieldException what the compilation refuses, naming the field
     */
    public static void check(FulcrumConfig config) {
        SnapshotBuilder.build(config.dns(), config.sites());
        String geo = config.dns().geoDatabase();
        if (geo != null) {
            try {
                CountryDatabase.open(geo).close();
            } catch (IOException | RuntimeException e) {
                throw new InvalidFieldException("dns.geoDatabase", "cannot open " + geo + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized void start(FulcrumConfig config) throws IOException {
        apply(config);
    }

    @Override
    public synchronized void apply(FulcrumConfig config) throws IOException {
        DnsConfig next = config.dns();
        ZoneSnapshot snapshot;
        try {
            snapshot = SnapshotBuilder.build(next, config.sites());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        CountryDatabase nextDb = database;
        boolean newDb = !Objects.equals(next.geoDatabase(), database == null ? null : database.path());
        if (newDb) {
            nextDb = next.geoDatabase() == null ? null : openDatabase(next.geoDatabase());
        }
        boolean rebind = server == null || !next.listen().equals(current.listen())
                || !next.threads().equals(current.threads());
        engine.udpPayloadSize(next.udpPayloadSize());
        keepStickyClients(engine.snapshot(), snapshot);
        engine.snapshot(snapshot);
        if (newDb) {
            engine.geo(new GeoLocator(nextDb));
            closeQuietly(database);
            database = nextDb;
        }
        IOException bindFailure = null;
        if (!next.enabled() && server != null) {
            server.close();
            server = null;
        } else if (rebind && next.enabled()) {
            if (server == null) {
                warmUp(next);
            }
            try {
                server = rebind(next);
                LOG.info("dns: listening on {} (udp+tcp, {} thread(s), udp {}, tcp {})", server.boundAddresses(),
                        next.threads(), server.udpTransport(), server.nativeTransport() ? "epoll" : "nio");
            } catch (IOException e) {
                if (server == null) {
                    throw new BindFailedException("dns.listen", e.getMessage(), e);
                }
                // The old sockets keep answering (with the new zones); the next apply tries again.
                bindFailure = new BindFailedException("dns.listen", "cannot listen on " + next.listen() + " (" + e.getMessage()
                        + "); the DNS server keeps " + current.listen(), e);
                next = new DnsConfig(current.listen(), current.threads(), next.udpPayloadSize(), next.geoDatabase(),
                        next.stickyEntries(), next.zones(), next.gslb(), next.warmUp());
            }
        }
        current = next;
        enabled = next.enabled();
        if (events != null && next.enabled()) {
            events.publish("dns.zones", "dns", "configuration applied", Map.of(
                    "zones", String.valueOf(snapshot.zones().size()),
                    "gslbRecords", String.valueOf(snapshot.gslbRecords().size())));
        }
        if (bindFailure != null) {
            throw bindFailure;
        }
    }

    /** Before the sockets first open: the answer path compiled before the first query (see {@link AnswerPathWarmUp}). */
    private void warmUp(DnsConfig next) {
        if (next.warmUp().isZero()) {
            return;
        }
        AnswerPathWarmUp.Result r = AnswerPathWarmUp.run(engine, next.warmUp());
        LOG.info("dns: warmed the answer path up with {} queries in {} ms ({})", r.queries(), r.took().toMillis(),
                r.quiet() ? "the compilers were done" : "dns.warmUp reached");
    }

    /**
     * Binds the new listen addresses before letting go of the old ones, so a failure (an
     * address in use) leaves the running server answering. Addresses it shares with the old
     * server bind beside it with SO_REUSEPORT; where that is not available (NIO), the old
     * server is closed first and started again should the new one still fail.
     */
    private DnsServer rebind(DnsConfig next) throws IOException {
        DnsServer old = server;
        DnsServer fresh = new DnsServer(engine, addresses(next.listen()), next.threads());
        try {
            fresh.start();
        } catch (IOException first) {
            if (old == null || !sharesAPort(current.listen(), next.listen())) {
                throw first;
            }
            old.close();
            server = null;
            try {
                fresh = new DnsServer(engine, addresses(next.listen()), next.threads());
                fresh.start();
            } catch (IOException again) {
                DnsServer back = new DnsServer(engine, addresses(current.listen()), current.threads());
                back.start();
                server = back;
                throw again;
            }
            return fresh;
        }
        if (old != null) {
            old.close();
        }
        return fresh;
    }

    private static boolean sharesAPort(List<HostPort> before, List<HostPort> after) {
        for (InetSocketAddress a : addresses(before)) {
            for (InetSocketAddress b : addresses(after)) {
                if (a.getPort() == b.getPort()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Sticky clients survive a reload for the records and sites that remain. */
    private static void keepStickyClients(ZoneSnapshot old, ZoneSnapshot next) {
        for (GslbRecord now : next.gslbRecords()) {
            for (GslbRecord before : old.gslbRecords()) {
                if (before.displayName().equals(now.displayName())) {
                    now.keepStickyClientsOf(before);
                }
            }
        }
    }

    private static CountryDatabase openDatabase(String path) throws IOException {
        try {
            return CountryDatabase.open(path);
        } catch (IOException | RuntimeException e) {
            throw new IOException("dns.geoDatabase: cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    private static List<InetSocketAddress> addresses(List<HostPort> listen) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (HostPort l : listen) {
            out.add(l.socketAddress());
        }
        return out;
    }

    private static void closeQuietly(CountryDatabase db) {
        if (db != null) {
            try {
                db.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", db.path(), e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        closeQuietly(database);
        database = null;
    }
}
