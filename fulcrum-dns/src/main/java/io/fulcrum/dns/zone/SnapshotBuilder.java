package io.fulcrum.dns.zone;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.dns.BuiltInPolicySteps;
import io.fulcrum.core.config.dns.PolicyStep;
import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.core.config.dns.GslbRecordConfig;
import io.fulcrum.core.config.dns.NodeConfig;
import io.fulcrum.core.config.dns.RecordConfig;
import io.fulcrum.core.config.dns.SoaConfig;
import io.fulcrum.core.config.dns.ZoneConfig;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.dns.geo.Region;
import io.fulcrum.dns.gslb.GslbRecord;
import io.fulcrum.dns.gslb.Policy;
import io.fulcrum.dns.gslb.Site;
import io.fulcrum.dns.wire.Dns;
import io.fulcrum.dns.wire.MessageBuilder;
import io.fulcrum.dns.wire.RecordData;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link ZoneSnapshot} from the {@code dns:} configuration and the top-level
 * {@code sites:} its GSLB records answer from: reads zone files (dnsjava's master-file
 * parser) and inline records, then encodes every static reply.
 * Problems are reported as {@link InvalidFieldException}s naming the field path.
 */
public final class SnapshotBuilder {

    /** Types answered from zone data. */
    static final List<Integer> SUPPORTED = List.of(Dns.TYPE_SOA, Dns.TYPE_NS, Dns.TYPE_A, Dns.TYPE_AAAA,
            Dns.TYPE_CNAME, Dns.TYPE_TXT, Dns.TYPE_MX, Dns.TYPE_SRV, Dns.TYPE_PTR);
    /** Types a CNAME is chased for inside our own data. */
    private static final int[] CHASED = {Dns.TYPE_A, Dns.TYPE_AAAA, Dns.TYPE_MX, Dns.TYPE_TXT, Dns.TYPE_SRV,
        Dns.TYPE_NS, Dns.TYPE_PTR, Dns.TYPE_SOA};

    /** Record sets of one owner, by type (insertion order). */
    private static final class Owner {
        final byte[] name;
        final Zone zone;
        final Map<Integer, List<RecordData>> sets = new LinkedHashMap<>();
        GslbRecord gslb;

        Owner(byte[] name, Zone zone) {
            this.name = name;
            this.zone = zone;
        }
    }

    private final Map<String, Owner> owners = new TreeMap<>();
    private final List<Zone> zones = new ArrayList<>();
    private final List<GslbRecord> gslb = new ArrayList<>();

    private SnapshotBuilder() {
    }

    /** Builds the snapshot of a {@code dns:} section whose GSLB records answer from {@code siteList}. */
    public static ZoneSnapshot build(DnsConfig config, List<SiteConfig> siteList) {
        SnapshotBuilder b = new SnapshotBuilder();
        for (int i = 0; i < config.zones().size(); i++) {
            b.addZone(config.zones().get(i), "dns.zones[" + i + "]");
        }
        List<Site> sites = b.sites(siteList);
        for (int i = 0; i < config.gslb().size(); i++) {
            b.addGslb(config.gslb().get(i), "dns.gslb[" + i + "]", sites, siteList, config.stickyEntries());
        }
        return b.finish();
    }

    private static String key(byte[] wire) {
        return new String(wire, StandardCharsets.ISO_8859_1);
    }

    private void addZone(ZoneConfig zc, String path) {
        Name apex = name(zc.name(), Name.root, path + ".name");
        long defaultTtl = zc.ttl().toSeconds();
        List<Record> records = new ArrayList<>();
        if (zc.file() != null) {
            try (Master m = new Master(zc.file(), apex, defaultTtl)) {
                Record r;
                while ((r = m.nextRecord()) != null) {
                    records.add(r);
                }
            } catch (IOException | RuntimeException e) {
                throw new InvalidFieldException(path + ".file", "cannot read zone file " + zc.file() + ": "
                        + e.getMessage(), e);
            }
        }
        for (int i = 0; i < zc.records().size(); i++) {
            RecordConfig rc = zc.records().get(i);
            String rp = path + ".records[" + i + "]";
            int type = Type.value(rc.type() == null ? "" : rc.type().toUpperCase(Locale.ROOT));
            if (type < 0 || !SUPPORTED.contains(type) || type == Dns.TYPE_SOA) {
                throw new InvalidFieldException(rp + ".type", "must be one of NS, A, AAAA, CNAME, TXT, MX, SRV, PTR"
                        + " (got \"" + rc.type() + "\")");
            }
            Name owner = "@".equals(rc.name()) ? apex : name(rc.name(), apex, rp + ".name");
            long ttl = rc.ttl() == null ? defaultTtl : rc.ttl().toSeconds();
            List<String> values = rc.allValues();
            if (values.isEmpty()) {
                throw new InvalidFieldException(rp + ".value", "required");
            }
            for (String v : values) {
                try {
                    records.add(Record.fromString(owner, type, DClass.IN, ttl, v, apex));
                } catch (IOException | RuntimeException e) {
                    throw new InvalidFieldException(rp + ".value", "not a valid " + rc.type() + " value \"" + v
                            + "\": " + e.getMessage(), e);
                }
            }
        }
        // The SOA: configured, else the file's, else defaults.
        SOARecord fileSoa = null;
        for (Record r : records) {
            if (r instanceof SOARecord s && s.getName().equals(apex)) {
                fileSoa = s;
            }
        }
        SOARecord soa;
        if (zc.soa() != null || fileSoa == null) {
            SoaConfig s = zc.soa() == null ? SoaConfig.defaults() : zc.soa();
            Name mname = s.mname() == null ? name("ns1", apex, path) : name(s.mname(), apex, path + ".soa.mname");
            Name rname = s.rname() == null ? name("hostmaster", apex, path)
                    : mailbox(s.rname(), apex, path + ".soa.rname");
            soa = new SOARecord(apex, DClass.IN, defaultTtl, mname, rname, s.serial(), s.refresh().toSeconds(),
                    s.retry().toSeconds(), s.expire().toSeconds(), s.minimum().toSeconds());
            records.removeIf(r -> r instanceof SOARecord);
            records.add(soa);
        } else {
            soa = fileSoa;
        }
        RecordData soaData = RecordConversion.soa(apex.toWireCanonical(), soa.getTTL(), soa);
        RecordData negative = soaData.withTtl(Math.min(soa.getTTL(), soa.getMinimum()));
        Zone zone = new Zone(apex.toWireCanonical(), apex.toString(true), negative, RecordConversion.soaTail(negative));
        for (Zone z : zones) {
            if (key(z.apex()).equals(key(zone.apex()))) {
                throw new InvalidFieldException(path + ".name", "zone " + zone.displayName() + " is defined twice");
            }
        }
        zones.add(zone);
        for (Record r : records) {
            if (r.getDClass() != DClass.IN) {
                continue;
            }
            if (!r.getName().subdomain(apex)) {
                throw new InvalidFieldException(path, "record " + r.getName() + " is outside zone " + apex);
            }
            if (!SUPPORTED.contains(r.getType())) {
                throw new InvalidFieldException(path, "record type " + Type.string(r.getType()) + " of "
                        + r.getName() + " is not served (supported: SOA, NS, A, AAAA, CNAME, TXT, MX, SRV, PTR)");
            }
            if (r.getType() == Dns.TYPE_SOA && !r.getName().equals(apex)) {
                throw new InvalidFieldException(path, "SOA record at " + r.getName() + " is not at the apex");
            }
            owner(r.getName().toWireCanonical(), zone).sets.computeIfAbsent(r.getType(), t -> new ArrayList<>())
                    .add(RecordConversion.of(r));
        }
        for (Owner o : owners.values()) {
            if (o.zone == zone && o.sets.containsKey(Dns.TYPE_CNAME) && o.sets.size() > 1) {
                throw new InvalidFieldException(path, text(o.name) + " has a CNAME and other records");
            }
        }
    }

    private Owner owner(byte[] name, Zone zone) {
        Owner o = owners.computeIfAbsent(key(name), k -> new Owner(name, zone));
        if (o.zone != zone) {
            throw new IllegalArgumentException("name " + text(name) + " is in two zones");
        }
        return o;
    }

    private static Name name(String text, Name origin, String path) {
        try {
            return Name.fromString(text, origin);
        } catch (TextParseException e) {
            throw new InvalidFieldException(path, "not a valid DNS name \"" + text + "\": " + e.getMessage(), e);
        }
    }

    /**
     * The SOA RNAME of a mailbox written {@code user@host} (the local part one label, its
     * dots escaped, RFC 1035 8; the host fully qualified, as in any e-mail address), or of
     * a domain name written as such (relative to the zone without a final dot).
     */
    private static Name mailbox(String text, Name apex, String path) {
        int at = text.indexOf('@');
        if (at < 0) {
            return name(text, apex, path);
        }
        String local = text.substring(0, at);
        String host = text.substring(at + 1);
        if (local.isEmpty() || host.isEmpty() || host.indexOf('@') >= 0) {
            throw new IllegalArgumentException(path + ": not a valid mailbox \"" + text
                    + "\" (write user@host, or a domain name)");
        }
        Name domain = name(host.endsWith(".") ? host : host + ".", Name.root, path);
        return name(local.replace("\\", "\\\\").replace(".", "\\."), domain, path);
    }

    private List<Site> sites(List<SiteConfig> siteList) {
        List<Site> sites = new ArrayList<>();
        for (int i = 0; i < siteList.size(); i++) {
            SiteConfig sc = siteList.get(i);
            String p = "sites[" + i + "]";
            Region region = Region.parse(sc.region());
            double lat = region == null ? 0 : region.latitude();
            double lon = region == null ? 0 : region.longitude();
            if (sc.location() != null) {
                String[] ll = sc.location().split(",");
                lat = Double.parseDouble(ll[0].strip());
                lon = Double.parseDouble(ll[1].strip());
            }
            List<byte[]> v4 = new ArrayList<>();
            List<String> v4Names = new ArrayList<>();
            List<byte[]> v6 = new ArrayList<>();
            List<String> v6Names = new ArrayList<>();
            List<String> vipHosts = new ArrayList<>();
            for (int j = 0; j < sc.vips().size(); j++) {
                // DNS answers with the VIP's host; its port is GSLB's (checks, hand-off).
                VipConfig vip = sc.vips().get(j);
                String host = vip.address() == null ? null : vip.address().host();
                byte[] a = address(host, p + ".vips[" + j + "].address");
                (a.length == 4 ? v4 : v6).add(a);
                (a.length == 4 ? v4Names : v6Names).add(host);
                vipHosts.add(host);
            }
            List<Site.Node> nodes = new ArrayList<>();
            for (int j = 0; j < sc.nodes().size(); j++) {
                NodeConfig n = sc.nodes().get(j);
                String np = p + ".nodes[" + j + "]";
                nodes.add(new Site.Node(name(n.name(), Name.root, np + ".name").toWireCanonical(),
                        address(n.address(), np + ".address")));
            }
            List<String> countries = sc.countries().stream().map(c -> c.toUpperCase(Locale.ROOT)).toList();
            sites.add(new Site(i, sc.name(), region, countries, lat, lon, sc.weight(), vipHosts, v4, v4Names, v6,
                    v6Names, nodes, sc.memberVips()));
        }
        return sites;
    }

    private static byte[] address(String literal, String path) {
        try {
            String host = literal;
            if (host.startsWith("[") && host.contains("]")) {
                host = host.substring(1, host.indexOf(']'));
            }
            return InetAddress.ofLiteral(host).getAddress();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidFieldException(path, "not an IP address \"" + literal + "\"");
        }
    }

    private void addGslb(GslbRecordConfig gc, String path, List<Site> allSites, List<SiteConfig> siteList,
                         int stickyEntries) {
        Name n = name(gc.name(), Name.root, path + ".name");
        byte[] wire = n.toWireCanonical();
        Zone zone = zoneOf(wire);
        if (zone == null) {
            throw new InvalidFieldException(path + ".name", n + " is not inside any of dns.zones");
        }
        Owner o = owner(wire, zone);
        boolean upper = "upper".equals(gc.tier());
        String clash = clash(o, zone, upper);
        if (clash != null) {
            throw new InvalidFieldException(path + ".name", n + " " + clash);
        }
        List<Site> sites = new ArrayList<>();
        if (gc.sites().isEmpty()) {
            sites.addAll(allSites);
        } else {
            for (int i = 0; i < gc.sites().size(); i++) {
                SiteConfig sc = SiteConfig.named(siteList, gc.sites().get(i));
                if (sc == null) {
                    throw new InvalidFieldException(path + ".sites[" + i + "]", "no site named \"" + gc.sites().get(i)
                            + "\" in sites");
                }
                sites.add(allSites.get(siteList.indexOf(sc)));
            }
        }
        List<Policy> chain = new ArrayList<>();
        for (int i = 0; i < gc.policy().size(); i++) {
            String step = gc.policy().get(i).name();
            Policy p = Policy.parse(step);
            if (p == null) {
                throw new InvalidFieldException(path + ".policy[" + i + "]", PolicyStep.registry().find(step).isPresent()
                        ? "the DNS service has no implementation of the policy step \"" + step + "\""
                        : PolicyStep.registry().unknown(step));
            }
            chain.add(p);
        }
        BuiltInPolicySteps.FailoverSettings order = gc.stepSettings(BuiltInPolicySteps.FailoverSettings.class);
        List<String> failover = order == null || order.order().isEmpty() ? sites.stream().map(Site::name).toList()
                : order.order();
        BuiltInPolicySteps.StickySettings sticky = gc.stepSettings(BuiltInPolicySteps.StickySettings.class);
        long stickyMillis = (sticky != null ? sticky : new BuiltInPolicySteps.StickySettings(null)).timeout().toMillis();
        GslbRecord record = new GslbRecord(wire, n.toString(true), upper, gc.ttl().toSeconds(), sites, chain, failover,
                gc.answers(), zone.negativeSoa(), stickyMillis, stickyEntries);
        o.gslb = record;
        gslb.add(record);
    }

    /**
     * Why a GSLB record cannot be put at this name, or {@code null}. A lower-tier record answers
     * A, AAAA and ANY itself and leaves every other type to the zone's data at its name: at a
     * zone's apex (a lower-tier node serving the zone delegated to it) the SOA and NS stay, and
     * so do MX or TXT anywhere. An upper-tier record delegates its name, so it takes it whole.
     */
    private static String clash(Owner o, Zone zone, boolean upper) {
        if (o.gslb != null) {
            return "already has a GSLB record";
        }
        boolean apex = key(o.name).equals(key(zone.apex()));
        if (upper) {
            if (apex) {
                return "is the apex of zone " + zone.displayName() + ": an upper-tier record delegates its name "
                        + "to the sites' nodes, which the zone cannot do at its own apex (delegate from the "
                        + "parent zone, or make this record tier: lower)";
            }
            return o.sets.isEmpty() ? null : "already has records (an upper-tier record delegates the name, "
                    + "so it can have none of its own)";
        }
        for (int type : new int[] {Dns.TYPE_A, Dns.TYPE_AAAA, Dns.TYPE_CNAME}) {
            if (o.sets.containsKey(type)) {
                return "already has " + Type.string(type) + " records (a GSLB record answers A and AAAA at its "
                        + "name itself; remove them)";
            }
        }
        return null;
    }

    /** The zone with the longest apex that is a suffix of this name. */
    private Zone zoneOf(byte[] wire) {
        for (int i = 0; i < wire.length; i += (wire[i] & 0xFF) + 1) {
            for (Zone z : zones) {
                if (z.apex().length == wire.length - i
                        && java.util.Arrays.equals(z.apex(), 0, z.apex().length, wire, i, wire.length)) {
                    return z;
                }
            }
            if (wire[i] == 0) {
                break;
            }
        }
        return null;
    }

    private ZoneSnapshot finish() {
        // Empty non-terminals: every ancestor of a name, up to its apex, exists (NODATA, not NXDOMAIN).
        for (Owner o : new ArrayList<>(owners.values())) {
            byte[] w = o.name;
            int i = 0;
            while (w[i] != 0 && w.length - i > o.zone.apex().length) {
                i += (w[i] & 0xFF) + 1;
                owner(java.util.Arrays.copyOfRange(w, i, w.length), o.zone);
            }
        }
        List<byte[]> names = new ArrayList<>();
        List<NameNode> nodes = new ArrayList<>();
        for (Owner o : owners.values()) {
            names.add(o.name);
            nodes.add(node(o));
        }
        List<byte[]> apexes = new ArrayList<>();
        for (Zone z : zones) {
            apexes.add(z.apex());
        }
        return new ZoneSnapshot(new NameTable<>(names, nodes), new NameTable<>(apexes, zones), zones, gslb);
    }

    private NameNode node(Owner o) {
        byte[] nodata = new MessageBuilder(o.name, 0, true, Dns.RCODE_NOERROR).authority(o.zone.negativeSoa())
                .toBytes();
        List<Integer> types = new ArrayList<>();
        List<byte[]> replies = new ArrayList<>();
        List<RecordData> cname = o.sets.get(Dns.TYPE_CNAME);
        if (cname != null) {
            types.add(Dns.TYPE_CNAME);
            replies.add(answer(o.name, Dns.TYPE_CNAME, cname));
            for (int t : CHASED) {
                types.add(t);
                replies.add(cnameChain(o, t));
            }
            // A CNAME to a (lower-tier) GSLB name of ours answers A and AAAA with the CNAME and the GSLB answer.
            Owner target = owners.get(key(RecordConversion.target(cname.getFirst())));
            GslbRecord aliased = target != null && target.gslb != null && !target.gslb.upper()
                    ? target.gslb.aliasedBy(o.name, cname.getFirst()) : null;
            return new NameNode(o.name, o.zone, ints(types), replies.toArray(new byte[0][]),
                    cnameChain(o, Dns.TYPE_ANY), cnameChain(o, 0), aliased);
        }
        MessageBuilder any = new MessageBuilder(o.name, Dns.TYPE_ANY, true, Dns.RCODE_NOERROR);
        for (Map.Entry<Integer, List<RecordData>> e : o.sets.entrySet()) {
            types.add(e.getKey());
            replies.add(answer(o.name, e.getKey(), e.getValue()));
            for (RecordData r : e.getValue()) {
                any.answer(r);
            }
        }
        byte[] anyReply = o.sets.isEmpty() ? nodata : any.toBytes();
        // A GSLB name answers its own types (see clash); the zone's records answer the others.
        return new NameNode(o.name, o.zone, ints(types), replies.toArray(new byte[0][]), anyReply, nodata, o.gslb);
    }

    /** An answer of one RRset, with the addresses of the NS, MX and SRV targets we serve in additional. */
    private byte[] answer(byte[] qname, int qtype, List<RecordData> set) {
        MessageBuilder m = new MessageBuilder(qname, qtype, true, Dns.RCODE_NOERROR);
        for (RecordData r : set) {
            m.answer(r);
        }
        for (RecordData r : set) {
            byte[] target = switch (qtype) {
                case Dns.TYPE_NS, Dns.TYPE_MX -> RecordConversion.target(r);
                case Dns.TYPE_SRV -> RecordConversion.srvTarget(r);
                default -> null;
            };
            Owner t = target == null ? null : resolve(target);
            if (t != null) {
                for (int at : new int[] {Dns.TYPE_A, Dns.TYPE_AAAA}) {
                    for (RecordData a : t.sets.getOrDefault(at, List.of())) {
                        m.additional(a);
                    }
                }
            }
        }
        return m.toBytes();
    }

    /** The answer at a CNAME: the chain through our own data (at most 8 links), then the type's records. */
    private byte[] cnameChain(Owner start, int qtype) {
        MessageBuilder m = new MessageBuilder(start.name, qtype, true, Dns.RCODE_NOERROR);
        Owner o = start;
        for (int hop = 0; hop < 8 && o != null; hop++) {
            List<RecordData> cname = o.sets.get(Dns.TYPE_CNAME);
            if (cname != null) {
                m.answer(cname.getFirst());
                o = resolve(RecordConversion.target(cname.getFirst()));
                continue;
            }
            if (qtype == Dns.TYPE_ANY) {
                o.sets.values().forEach(s -> s.forEach(m::answer));
            } else {
                o.sets.getOrDefault(qtype, List.of()).forEach(m::answer);
            }
            break;
        }
        return m.toBytes();
    }

    /**
     * The records a name has, as a query for it would find them: its own, else those a
     * wildcard synthesises for it (RFC 4592: {@code *.<closest encloser>}, owned by the
     * name), else {@code null}. For CNAME targets and additional addresses.
     */
    private Owner resolve(byte[] name) {
        Owner exact = owners.get(key(name));
        if (exact != null) {
            return exact;
        }
        for (int i = (name[0] & 0xFF) + 1; i < name.length; i += (name[i] & 0xFF) + 1) {
            if (owners.containsKey(key(java.util.Arrays.copyOfRange(name, i, name.length)))) {
                byte[] wildcardName = new byte[2 + name.length - i];
                wildcardName[0] = 1;
                wildcardName[1] = '*';
                System.arraycopy(name, i, wildcardName, 2, name.length - i);
                Owner wildcard = owners.get(key(wildcardName));
                if (wildcard == null) {
                    return null;
                }
                Owner synthesised = new Owner(name, wildcard.zone);
                wildcard.sets.forEach((type, set) -> synthesised.sets.put(type,
                        set.stream().map(r -> new RecordData(name, r.type(), r.ttl(), r.parts())).toList()));
                return synthesised;
            }
        }
        return null;
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String text(byte[] wire) {
        try {
            return new Name(wire).toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
