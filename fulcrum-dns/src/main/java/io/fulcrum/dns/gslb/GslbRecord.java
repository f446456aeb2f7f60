package io.fulcrum.dns.gslb;

import io.fulcrum.core.cluster.LiveMembers;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.dns.geo.Location;
import io.fulcrum.dns.wire.Dns;
import io.fulcrum.dns.wire.MessageBuilder;
import io.fulcrum.dns.wire.RecordData;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One GSLB name, compiled: its sites, policy chain and answer size, and a cache of encoded
 * answers per (query type, client location class), each valid for one version of the site
 * state. The place in each slot's rotation outlives the answer sets: a rebuild (a new
 * version) goes on from where the last answer left off, so the answers follow the weights
 * however few queries come between two versions. A lower-tier record answers A/AAAA with VIPs (AA, short TTL); an upper-tier
 * record refers every query to lower-tier GSLB nodes spread over the sites (NS with glue,
 * long TTL). In a cluster, both list only what belongs to live members ({@link LiveMembers}):
 * a killed proxy's VIP is no longer answered, a killed lower-tier node no longer referred to.
 */
public final class GslbRecord {

    private final byte[] name;
    /** The question the cached answers are for: the name itself, or an alias (CNAME) of it. */
    private final byte[] question;
    /** The CNAME from {@link #question} to {@link #name}, first in every answer; {@code null} without alias. */
    private final RecordData alias;
    private final int stickyMax;
    private final long stickyTimeoutMillis;
    private final String displayName;
    private final boolean upper;
    private final long ttl;
    private final List<Site> sites;
    private final List<Policy> chain;
    private final Policy[] chainArray;
    private final List<String> failoverOrder;
    private final int answers;
    private final RecordData negativeSoa;
    private final StickyTable sticky;
    private final boolean geo;
    private final AtomicReferenceArray<AnswerSet> cache = new AtomicReferenceArray<>(2 * Location.CLASSES);
    /** Per slot of {@link #cache}: the answers given so far, i.e. the place in the rotation. */
    private final AtomicIntegerArray cursors = new AtomicIntegerArray(2 * Location.CLASSES);

    /**
     * @param name        owner, lower-case wire form
     * @param negativeSoa the zone's SOA with the negative TTL, for NODATA answers
     * @param stickyMax   most entries of the sticky table
     */
    public GslbRecord(byte[] name, String displayName, boolean upper, long ttl, List<Site> sites, List<Policy> chain,
                      List<String> failoverOrder, int answers, RecordData negativeSoa, long stickyTimeoutMillis,
                      int stickyMax) {
        this(name, name, null, displayName, upper, ttl, sites, chain, failoverOrder, answers, negativeSoa,
                stickyTimeoutMillis, stickyMax);
    }

    private GslbRecord(byte[] name, byte[] question, RecordData alias, String displayName, boolean upper, long ttl,
                       List<Site> sites, List<Policy> chain, List<String> failoverOrder, int answers,
                       RecordData negativeSoa, long stickyTimeoutMillis, int stickyMax) {
        this.name = name;
        this.question = question;
        this.alias = alias;
        this.stickyMax = stickyMax;
        this.stickyTimeoutMillis = stickyTimeoutMillis;
        this.displayName = displayName;
        this.upper = upper;
        this.ttl = ttl;
        this.sites = List.copyOf(sites);
        this.chain = List.copyOf(chain);
        this.chainArray = chain.toArray(new Policy[0]);
        this.failoverOrder = List.copyOf(failoverOrder);
        this.answers = answers;
        this.negativeSoa = negativeSoa;
        this.geo = chain.contains(Policy.GEO);
        this.sticky = chain.contains(Policy.STICKY) ? new StickyTable(stickyTimeoutMillis, stickyMax) : null;
    }

    /**
     * The same record answering at an alias: every answer starts with this CNAME (owner
     * {@code aliasName}, target this record's name), then the addresses.
     */
    public GslbRecord aliasedBy(byte[] aliasName, RecordData cname) {
        return new GslbRecord(name, aliasName, cname, displayName, upper, ttl, sites, chain, failoverOrder, answers,
                negativeSoa, stickyTimeoutMillis, stickyMax);
    }

    /** The answers one state gives one client location: the rotation, and pinned orders for sticky clients. */
    public static final class AnswerSet {
        final SiteStateView view;
        final long version;
        final LiveMembers members;
        final long membersVersion;
        final byte[][] rotation;
        final int[] firstSite;
        final byte[][] pinned;

        AnswerSet(SiteStateView view, long version, LiveMembers members, long membersVersion, byte[][] rotation,
                  int[] firstSite, byte[][] pinned) {
            this.view = view;
            this.version = version;
            this.members = members;
            this.membersVersion = membersVersion;
            this.rotation = rotation;
            this.firstSite = firstSite;
            this.pinned = pinned;
        }
    }

    public String displayName() {
        return displayName;
    }

    public boolean upper() {
        return upper;
    }

    public List<Policy> chain() {
        return chain;
    }

    /** The chain as an array (read per answer for the statistics, without an iterator). */
    public Policy[] chainArray() {
        return chainArray;
    }

    /** Whether answers depend on where the client is. */
    public boolean usesGeo() {
        return geo;
    }

    /** Whether answers depend on the client's own subnet. */
    public boolean usesSticky() {
        return sticky != null;
    }

    /** Whether this record answers a query type (others get NODATA). Upper-tier records refer every type. */
    public boolean answers(int qtype) {
        return upper || qtype == Dns.TYPE_A || qtype == Dns.TYPE_AAAA || qtype == Dns.TYPE_ANY;
    }

    /**
     * The encoded reply for one query (ID zero).
     *
     * @param locationClass the client's location class (0 when the chain has no {@code geo})
     * @param subnet        the client's subnet key for {@code sticky} (ignored without it)
     */
    public byte[] reply(int qtype, int locationClass, long subnet, SiteStateView view, long nowMillis) {
        return reply(qtype, locationClass, subnet, view, LiveMembers.everyone(), nowMillis);
    }

    /**
     * The encoded reply for one query (ID zero), listing only live members' addresses.
     *
     * @param locationClass the client's location class (0 when the chain has no {@code geo})
     * @param subnet        the client's subnet key for {@code sticky} (ignored without it)
     * @param members       which addresses belong to live cluster members
     */
    public byte[] reply(int qtype, int locationClass, long subnet, SiteStateView view, LiveMembers members,
                        long nowMillis) {
        int slot = (upper || qtype != Dns.TYPE_AAAA ? 0 : 1) * Location.CLASSES + (geo ? locationClass : 0);
        AnswerSet set = cache.get(slot);
        long version = view.version();
        long membersVersion = members.version();
        if (set == null || set.version != version || set.view != view || set.members != members
                || set.membersVersion != membersVersion) {
            // One moment of the site state for the whole answer set, labelled with that moment's version.
            SiteStateView moment = view.snapshot();
            set = compute(slot < Location.CLASSES ? Dns.TYPE_A : Dns.TYPE_AAAA, geo ? locationClass : 0,
                    view, moment, members, membersVersion);
            cache.set(slot, set);
        }
        if (sticky != null) {
            int site = sticky.get(subnet, nowMillis);
            if (site >= 0 && set.pinned[site] != null) {
                return set.pinned[site];
            }
            int i = Math.floorMod(cursors.getAndIncrement(slot), set.rotation.length);
            if (set.firstSite[i] >= 0) {
                sticky.put(subnet, set.firstSite[i], nowMillis);
            }
            return set.rotation[i];
        }
        byte[][] rotation = set.rotation;
        if (rotation.length == 1) {
            return rotation[0];
        }
        return rotation[Math.floorMod(cursors.getAndIncrement(slot), rotation.length)];
    }

    /** Client subnets in the sticky table (0 without {@code sticky}). */
    public int stickyEntries() {
        return sticky == null ? 0 : sticky.size();
    }

    /**
     * Keeps the sticky clients of the record this one replaces (same name, after a reload),
     * for the sites both know.
     */
    public void keepStickyClientsOf(GslbRecord previous) {
        if (sticky == null || previous.sticky == null) {
            return;
        }
        int max = 0;
        for (Site s : previous.sites) {
            max = Math.max(max, s.index());
        }
        int[] map = new int[max + 1];
        java.util.Arrays.fill(map, -1);
        for (Site old : previous.sites) {
            for (Site now : sites) {
                if (now.name().equals(old.name())) {
                    map[old.index()] = now.index();
                }
            }
        }
        sticky.takeOver(previous.sticky, map, System.currentTimeMillis());
    }

    /** Forgets every cached answer (state or configuration changed). */
    public void clearCache() {
        for (int i = 0; i < cache.length(); i++) {
            cache.set(i, null);
        }
    }

    /** The answer set of {@code view}, one moment of {@code source} (the view the cache is kept for). */
    private AnswerSet compute(int qtype, int locationClass, SiteStateView source, SiteStateView view,
                              LiveMembers members, long membersVersion) {
        long version = view.version();
        List<Site[]> orders = SiteOrdering.orders(sites, chain, failoverOrder, locationClass, view, members, !upper);
        byte[][] rotation = new byte[orders.size()][];
        int[] firstSite = new int[orders.size()];
        for (int i = 0; i < orders.size(); i++) {
            Site[] order = orders.get(i);
            rotation[i] = encode(qtype, order, view, members);
            firstSite[i] = order.length == 0 ? -1 : order[0].index();
        }
        byte[][] pinned = null;
        if (sticky != null) {
            int maxIndex = 0;
            for (Site s : sites) {
                maxIndex = Math.max(maxIndex, s.index());
            }
            pinned = new byte[maxIndex + 1][];
            Site[] base = orders.getFirst();
            for (Site s : base) {
                pinned[s.index()] = encode(qtype, SiteOrdering.withFirst(base, s), view, members);
            }
        }
        return new AnswerSet(source, version, members, membersVersion, rotation, firstSite, pinned);
    }

    /** Encodes an answer for sites in this order. */
    byte[] encode(int qtype, Site[] order, SiteStateView view, LiveMembers members) {
        return upper ? referral(name, order, members) : addresses(qtype, order, view, members);
    }

    /** The referral for a name at or below this upper-tier record (built per query for names below). */
    public byte[] referral(byte[] qname, Site[] order) {
        return referral(qname, order, LiveMembers.everyone());
    }

    /**
     * The referral for a name at or below this upper-tier record, naming only lower-tier
     * nodes that are live members (all of them when none is: a referral to nothing helps no one).
     */
    public byte[] referral(byte[] qname, Site[] order, LiveMembers members) {
        MessageBuilder m = new MessageBuilder(qname, 0, false, Dns.RCODE_NOERROR);
        List<Site.Node> picked = pick(order, members);
        if (picked.isEmpty()) {
            picked = pick(order, LiveMembers.everyone());
        }
        for (Site.Node n : picked) {
            m.authority(new RecordData(name, Dns.TYPE_NS, ttl, List.of(new RecordData.Part(n.name(), true))));
        }
        for (Site.Node n : picked) {
            m.additional(RecordData.raw(n.name(), n.address().length == 4 ? Dns.TYPE_A : Dns.TYPE_AAAA, ttl,
                    n.address()));
        }
        return m.toBytes();
    }

    /** Up to {@link #answers} lower-tier nodes that are live members, spread over the sites in order. */
    private List<Site.Node> pick(Site[] order, LiveMembers members) {
        List<Site.Node> picked = new ArrayList<>();
        for (int pass = 0; picked.size() < answers; pass++) {
            boolean any = false;
            for (Site s : order) {
                if (pass < s.nodes().size()) {
                    any = true;
                    Site.Node n = s.nodes().get(pass);
                    if (picked.size() < answers && members.dnsNodeLive(s.name(), n.address())) {
                        picked.add(n);
                    }
                }
            }
            if (!any) {
                break;
            }
        }
        return picked;
    }

    /** The current referral for a name below this record (not cached). */
    public byte[] referralBelow(byte[] qname, int qtype, int locationClass, SiteStateView view) {
        return referralBelow(qname, qtype, locationClass, view, LiveMembers.everyone());
    }

    /** The current referral for a name below this record (not cached), to live lower-tier nodes. */
    public byte[] referralBelow(byte[] qname, int qtype, int locationClass, SiteStateView view, LiveMembers members) {
        List<Site[]> orders = SiteOrdering.orders(sites, chain, failoverOrder, geo ? locationClass : 0,
                view.snapshot(), members, false); // the whole order from one moment of the site state
        byte[] body = referral(qname, orders.getFirst(), members);
        body[12 + qname.length] = (byte) (qtype >> 8);
        body[12 + qname.length + 1] = (byte) qtype;
        return body;
    }

    private byte[] addresses(int qtype, Site[] order, SiteStateView view, LiveMembers members) {
        boolean v6 = qtype == Dns.TYPE_AAAA;
        MessageBuilder m = new MessageBuilder(question, qtype, true, Dns.RCODE_NOERROR);
        if (alias != null) {
            m.answer(alias);
        }
        int count = 0;
        for (int pass = 0; count < answers; pass++) {
            boolean any = false;
            for (Site s : order) {
                List<byte[]> list = s.answerAddresses(v6, members);
                List<String> names = v6 ? s.v6Names() : s.v4Names();
                if (pass < list.size()) {
                    any = true;
                    // A member's address has no VIP check: its registration being live is its health.
                    boolean configured = pass < names.size();
                    if (count < answers && members.proxyLive(s.name(), list.get(pass))
                            && (!configured || !chain.contains(Policy.UP) || view.vipUp(s.name(), names.get(pass)))) {
                        m.answer(RecordData.raw(name, v6 ? Dns.TYPE_AAAA : Dns.TYPE_A, ttl, list.get(pass)));
                        count++;
                    }
                }
            }
            if (!any) {
                break;
            }
        }
        if (count == 0) {
            m.authority(negativeSoa);
        }
        return m.toBytes();
    }
}
