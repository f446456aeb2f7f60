package io.fulcrum.cluster.member;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.fulcrum.core.cluster.LiveMembers;
import io.fulcrum.core.event.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every node's view of the cluster's members, kept from etcd: a full read of the members
 * prefix at one revision, then a watch from the next revision on. A watch whose connection
 * is lost is resumed from the revision after the last event applied, so the changes made
 * meanwhile arrive in order and none is skipped (the revision never moves past an event
 * not seen). A watch that a compaction passed is followed by a new full read at a
 * consistent revision, compared with what was known, and a new watch from there.
 *
 * <p>A registration that disappears is {@link MemberState#REMOVED} when its last word was
 * {@code leaving} and {@link MemberState#FAILED} otherwise (its lease expired). Each change
 * of state is an event on the node's event stream: {@code cluster.node.up},
 * {@code cluster.node.draining}, {@code cluster.node.removed}, {@code cluster.node.failed}.
 *
 * <p>As {@link LiveMembers}, it tells the DNS answers which addresses belong to live
 * members; before the first read it knows nothing and calls every address live.
 *
 * <p>State changes run on the cluster thread; reads are lock-free.
 */
public final class Membership implements LiveMembers {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final long RESYNC_FIRST_DELAY_MILLIS = 200;

    private final Client client;
    private final ClusterKeys keys;
    private final EventLog events;
    private final ScheduledExecutorService clock;
    private final Duration requestTimeout;
    /** By member id, in id order; only touched on the cluster thread. */
    private final Map<String, MemberView> members = new TreeMap<>();
    private volatile List<MemberView> published = List.of();
    private volatile Addresses live = null;
    /** The live proxy members' addresses per site (set with {@link #live}, read on the DNS event loops). */
    private volatile Map<String, List<byte[]>> proxyAddresses = Map.of();
    private volatile long version;
    private volatile long revision;
    private Watch.Watcher watcher;
    private long resyncDelayMillis = RESYNC_FIRST_DELAY_MILLIS;
    private volatile boolean closed;

    /** The addresses of live members, by site, as the DNS answers ask for them. */
    private record Addresses(Set<String> proxies, Set<String> dnsNodes) {
    }

    /**
     * @param events where member changes are published
     * @param clock  the cluster thread
     */
    public Membership(Client client, ClusterKeys keys, EventLog events, ScheduledExecutorService clock,
                      Duration requestTimeout) {
        this.client = client;
        this.keys = keys;
        this.events = events;
        this.clock = clock;
        this.requestTimeout = requestTimeout;
    }

    /** Reads the members and starts watching (on the cluster thread; retried until etcd answers). */
    public void start() {
        clock.execute(this::resync);
    }

    /** Every member known, by id: the live ones and those seen leave or fail since this node started. */
    public List<MemberView> members() {
        return published;
    }

    /** How many members are in each state. */
    public Map<MemberState, Integer> counts() {
        Map<MemberState, Integer> out = new EnumMap<>(MemberState.class);
        for (MemberState s : MemberState.values()) {
            out.put(s, 0);
        }
        for (MemberView m : published) {
            out.merge(m.state(), 1, Integer::sum);
        }
        return out;
    }

    /** Whether the members have been read from etcd at least once. */
    public boolean synced() {
        return live != null;
    }

    /** The etcd revision this view is at. */
    public long revision() {
        return revision;
    }

    @Override
    public boolean proxyLive(String site, byte[] address) {
        Addresses a = live;
        return a == null || a.proxies().contains(key(site, address));
    }

    @Override
    public List<byte[]> proxyAddresses(String site) {
        return proxyAddresses.getOrDefault(site, List.of());
    }

    @Override
    public boolean dnsNodeLive(String site, byte[] address) {
        Addresses a = live;
        return a == null || a.dnsNodes().contains(key(site, address));
    }

    @Override
    public long version() {
        return version;
    }

    /** Stops watching. */
    public void close() {
        closed = true;
        onClock(() -> {
            if (watcher != null) {
                watcher.close();
                watcher = null;
            }
        });
    }

    /** A full read at one revision, compared with what was known, then a watch from the next revision. */
    private void resync() {
        if (closed) {
            return;
        }
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        GetResponse all;
        try {
            all = client.getKVClient().get(keys.members(), GetOption.builder().isPrefix(true).build())
                    .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.debug("cluster: reading members failed: {}", e.toString());
            scheduleResync();
            return;
        }
        resyncDelayMillis = RESYNC_FIRST_DELAY_MILLIS;
        Set<String> present = new HashSet<>();
        for (KeyValue kv : all.getKvs()) {
            Member m = parse(kv);
            if (m != null) {
                present.add(m.id());
                seen(m);
            }
        }
        for (MemberView known : new ArrayList<>(members.values())) {
            if (!present.contains(known.member().id())) {
                gone(known.member().id(), null);
            }
        }
        revision = all.getHeader().getRevision();
        publish();
        watchFrom(revision + 1);
    }

    private void scheduleResync() {
        if (closed) {
            return;
        }
        clock.schedule(this::resync, resyncDelayMillis, TimeUnit.MILLISECONDS);
        resyncDelayMillis = Math.min(resyncDelayMillis * 2, 5_000);
    }

    /** Runs a watch callback on the cluster thread; dropped once the node is shutting down. */
    private void onClock(Runnable task) {
        try {
            clock.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("cluster: members event after shutdown dropped");
        }
    }

    private void scheduleResume() {
        if (closed) {
            return;
        }
        clock.schedule(() -> {
            if (!closed && watcher == null) {
                watchFrom(revision + 1);
            }
        }, resyncDelayMillis, TimeUnit.MILLISECONDS);
        resyncDelayMillis = Math.min(resyncDelayMillis * 2, 5_000);
    }

    private static boolean compacted(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof io.etcd.jetcd.common.exception.CompactedException
                    || String.valueOf(t.getMessage()).contains("compacted")) {
                return true;
            }
        }
        return false;
    }

    private void watchFrom(long fromRevision) {
        WatchOption option = WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(fromRevision).build();
        Watch.Watcher[] mine = new Watch.Watcher[1];
        mine[0] = client.getWatchClient().watch(keys.members(), option, Watch.listener(
                response -> onClock(() -> {
                    if (watcher == mine[0]) {
                        apply(response);
                    }
                }),
                error -> onClock(() -> {
                    if (watcher != mine[0]) {
                        return;
                    }
                    watcher.close();
                    watcher = null;
                    if (compacted(error)) {
                        // The events after our revision are gone: read everything again, at one revision.
                        LOG.info("cluster: members watch compacted past revision {}; reading them again", revision);
                        scheduleResync();
                    } else {
                        // The connection went (the etcd member died): resume from the next revision not
                        // seen, so the changes made meanwhile arrive in order, none skipped.
                        LOG.info("cluster: members watch lost ({}); resuming from revision {}", error.toString(),
                                revision + 1);
                        scheduleResume();
                    }
                }),
                () -> onClock(() -> {
                    if (watcher == mine[0] && !closed) {
                        watcher = null;
                        scheduleResync();
                    }
                })));
        watcher = mine[0];
    }

    private void apply(WatchResponse response) {
        for (WatchEvent e : response.getEvents()) {
            switch (e.getEventType()) {
                case PUT -> {
                    Member m = parse(e.getKeyValue());
                    if (m != null) {
                        seen(m);
                    }
                }
                case DELETE -> {
                    String id = idOf(e.getKeyValue().getKey());
                    Member last = e.getPrevKV() == null || e.getPrevKV().getValue().isEmpty() ? null
                            : parse(e.getPrevKV());
                    gone(id, last);
                }
                default -> {
                }
            }
            // Only events move the revision: a resumed watch starts right after the last one applied.
            revision = Math.max(revision, e.getKeyValue().getModRevision());
        }
        resyncDelayMillis = RESYNC_FIRST_DELAY_MILLIS;
        publish();
    }

    /** A registration read: a new member, or a known one in a new state. */
    private void seen(Member m) {
        MemberState state = MemberState.ofRegistered(m.state());
        MemberView before = members.get(m.id());
        if (before != null && before.state() == state) {
            if (!before.member().equals(m)) {
                members.put(m.id(), new MemberView(m, state, before.since()));
            }
            return;
        }
        members.put(m.id(), new MemberView(m, state, Instant.now()));
        String reason = switch (state) {
            case UP -> before == null ? "registered" : "registered again (was " + before.state().label() + ")";
            case DRAINING -> "leaving on purpose: draining";
            case REMOVED -> "deregistered on purpose";
            case FAILED -> "";
        };
        event(m, state, reason);
    }

    /** A registration deleted: on purpose if its last word was {@code leaving}, else its lease expired. */
    private void gone(String id, Member last) {
        MemberView before = members.get(id);
        Member m = last != null ? last : before != null ? before.member() : null;
        if (m == null) {
            return;
        }
        boolean onPurpose = Member.LEAVING.equals(m.state())
                || before != null && before.state() == MemberState.REMOVED;
        MemberState state = onPurpose ? MemberState.REMOVED : MemberState.FAILED;
        if (before != null && before.state() == state) {
            return;
        }
        members.put(id, new MemberView(m, state, Instant.now()));
        event(m, state, onPurpose ? "deregistered on purpose" : "lease expired: no keep-alive within its TTL");
    }

    private void event(Member m, MemberState state, String reason) {
        if (events == null) {
            return;
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("site", String.valueOf(m.site()));
        details.put("host", String.valueOf(m.host()));
        details.put("roles", String.join(",", m.roles()));
        events.publish("cluster.node." + state.label(), m.id(), reason, details);
    }

    /** Makes the current view readable: the list, and the live addresses for the DNS answers. */
    private void publish() {
        List<MemberView> list = List.copyOf(members.values());
        Set<String> proxies = new HashSet<>();
        Set<String> dnsNodes = new HashSet<>();
        for (MemberView v : list) {
            if (!v.state().live()) {
                continue;
            }
            Member m = v.member();
            for (String part : List.of("proxy", "router")) {
                if (m.roles().contains(part)) {
                    addAll(proxies, m.site(), m.addresses().get(part));
                }
            }
            if (m.roles().contains("dns")) {
                addAll(dnsNodes, m.site(), m.addresses().get("dns"));
            }
        }
        Addresses next = new Addresses(Set.copyOf(proxies), Set.copyOf(dnsNodes));
        proxyAddresses = proxyAddressesBySite(list);
        boolean changed = !next.equals(live) || !list.equals(published);
        published = list;
        live = next;
        if (changed) {
            version++;
        }
    }

    /** The live proxy members' addresses per site, sorted (unsigned bytes), for {@link #proxyAddresses}. */
    private static Map<String, List<byte[]>> proxyAddressesBySite(List<MemberView> list) {
        Map<String, List<byte[]>> bySite = new HashMap<>();
        for (MemberView v : list) {
            Member m = v.member();
            if (!v.state().live() || !m.roles().contains("proxy") || m.addresses().get("proxy") == null) {
                continue;
            }
            for (String hp : m.addresses().get("proxy")) {
                byte[] ip = ipOf(hp);
                List<byte[]> at = bySite.computeIfAbsent(m.site(), k -> new ArrayList<>());
                // A wildcard bind (0.0.0.0, ::) is no address a client can be sent to.
                boolean wildcard = ip != null && Arrays.equals(ip, new byte[ip.length]);
                if (ip != null && !wildcard && at.stream().noneMatch(a -> Arrays.equals(a, ip))) {
                    at.add(ip);
                }
            }
        }
        Map<String, List<byte[]>> out = new HashMap<>();
        bySite.forEach((site, at) -> {
            at.sort(Arrays::compareUnsigned);
            out.put(site, List.copyOf(at));
        });
        return Map.copyOf(out);
    }

    private static void addAll(Set<String> into, String site, List<String> hostPorts) {
        if (hostPorts == null) {
            return;
        }
        for (String hp : hostPorts) {
            byte[] ip = ipOf(hp);
            if (ip != null) {
                into.add(key(site, ip));
            }
        }
    }

    /** The IP of a {@code host:port} (or a bare IP) when it is an address literal, else {@code null}. */
    static byte[] ipOf(String hostPort) {
        String host = hostPort;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host.substring(1) : host.substring(1, end);
        } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        try { // a literal only: a name is not resolved here (registrations carry addresses)
            return InetAddress.ofLiteral(host).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String key(String site, byte[] address) {
        return site + "|" + Arrays.toString(address);
    }

    private String idOf(ByteSequence key) {
        String k = key.toString(StandardCharsets.UTF_8);
        String prefix = keys.members().toString(StandardCharsets.UTF_8);
        return k.startsWith(prefix) ? k.substring(prefix.length()) : k;
    }

    private static Member parse(KeyValue kv) {
        try {
            return Registration.JSON.readValue(kv.getValue().getBytes(), Member.class);
        } catch (IOException e) {
            LOG.warn("cluster: unreadable registration at {}: {}", kv.getKey().toString(StandardCharsets.UTF_8),
                    e.getMessage());
            return null;
        }
    }
}
