package io.fulcrum.dns.server;

import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.dns.DnsEngine;
import io.fulcrum.dns.geo.GeoLocator;
import io.fulcrum.dns.geo.Location;
import io.fulcrum.dns.gslb.GslbRecord;
import io.fulcrum.dns.wire.Dns;
import io.fulcrum.dns.wire.Query;
import io.fulcrum.dns.wire.QueryParser;
import io.fulcrum.dns.wire.ReplyWriter;
import io.fulcrum.dns.zone.NameNode;
import io.fulcrum.dns.zone.Zone;
import io.fulcrum.dns.zone.ZoneSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Answers one query: into a new buffer ({@link #answer}, Netty's paths), or into a slot of a
 * send batch ({@link #answerUdp}, {@link BatchUdpSocket}). One instance per thread (it reuses
 * its {@link Query}); everything it reads is shared through {@link DnsEngine}. On the usual
 * path the only allocation is the reply buffer of {@link #answer}; {@link #answerUdp} makes none.
 */
public final class QueryProcessor {

    private final DnsEngine engine;
    private final Query q = new Query();
    /** Scratch for the name {@code *.<closest encloser>}: the asterisk label, then the encloser. */
    private final byte[] wildcardName = new byte[256];

    public QueryProcessor(DnsEngine engine) {
        this.engine = engine;
        wildcardName[0] = 1;
        wildcardName[1] = '*';
    }

    /**
     * The reply to the message in {@code in}, or {@code null} when none is due (a response, or
     * a message shorter than a header).
     *
     * @param client the client's address (for geo without ECS, and sticky)
     * @param tcp    whether it came over TCP (then the reply starts with its length)
     */
    public ByteBuf answer(ByteBuf in, InetAddress client, boolean tcp, ByteBufAllocator alloc) {
        this.alloc = alloc;
        this.into = null;
        clientAddress = client;
        clientV6 = null;
        if (client instanceof Inet4Address) {
            clientFamily = 4;
            clientV4 = client.hashCode(); // Inet4Address's hash is its address
        } else {
            clientFamily = client != null ? 6 : 0;
        }
        return answer(in, tcp);
    }

    /**
     * Writes the reply to the UDP query in {@code in} into {@code out} (empty, with room for
     * {@link #MAX_UDP_REPLY} bytes), or nothing when none is due.
     *
     * @param clientV4 the client's IPv4 address, when {@code clientV6} is {@code null}
     * @param clientV6 the client's IPv6 address (16 bytes, read during the call only), or {@code null}
     * @return whether a reply was written
     */
    public boolean answerUdp(ByteBuf in, int clientV4, byte[] clientV6, ByteBuf out) {
        this.alloc = null;
        this.into = out;
        clientAddress = null;
        clientFamily = clientV6 == null ? 4 : 6;
        this.clientV4 = clientV4;
        this.clientV6 = clientV6;
        try {
            return answer(in, false) != null;
        } finally {
            into = null;
        }
    }

    /** Largest UDP reply {@link #answerUdp} writes: the largest payload size a configuration may set. */
    public static final int MAX_UDP_REPLY = 4096;

    /** Where the reply goes: a new buffer of this length, or the caller's slot. */
    private ByteBuf output(int length) {
        if (into == null) {
            return alloc.ioBuffer(length);
        }
        if (into.writableBytes() < length) {
            throw new IllegalStateException("a reply of " + length + " bytes does not fit the send slot");
        }
        return into;
    }

    private ByteBufAllocator alloc;
    private ByteBuf into;
    /** The client: 4 or 6 (its address in {@link #clientV4}, or {@link #clientV6} or {@link #clientAddress}), 0 unknown. */
    private int clientFamily;
    private int clientV4;
    private byte[] clientV6;
    private InetAddress clientAddress;

    private ByteBuf answer(ByteBuf in, boolean tcp) {
        var stats = engine.stats();
        Query.Status status = QueryParser.parse(in, q);
        if (status == Query.Status.DROP) {
            stats.dropped();
            return null;
        }
        if (!tcp && in.readableBytes() > DnsServer.MAX_QUERY) {
            status = Query.Status.FORMERR; // over the limit: the socket read one byte more to tell
        }
        int payload = engine.udpPayloadSize();
        int limit = tcp ? Dns.MAX_MESSAGE : q.edns ? Math.min(q.udpSize, payload) : Dns.CLASSIC_UDP_SIZE;
        int rcode = switch (status) {
            case FORMERR -> Dns.RCODE_FORMERR;
            case NOTIMP -> Dns.RCODE_NOTIMP;
            case REFUSED -> Dns.RCODE_REFUSED;
            case BADVERS -> Dns.RCODE_BADVERS;
            default -> -1;
        };
        if (rcode >= 0) {
            return error(rcode, tcp, payload);
        }
        stats.query(q.type, tcp);
        ZoneSnapshot snap = engine.snapshot();
        NameNode node = snap.node(q.name, q.nameLength, q.nameHash);
        if (node != null) {
            return fromNode(node, false, tcp, payload, limit);
        }
        // Not an exact name. Its closest encloser (the nearest existing ancestor, RFC 4592) decides:
        // an upper-tier delegation there refers it; else a wildcard child of it answers; else NXDOMAIN.
        // No ancestor in a zone: REFUSED.
        int len = q.nameLength;
        for (int i = (q.name[0] & 0xFF) + 1; i < len; i += (q.name[i] & 0xFF) + 1) {
            NameNode above = snap.nodeAt(q.name, i, len - i);
            if (above != null && above.gslb() != null && above.gslb().upper()) {
                int loc = above.gslb().usesGeo() ? place(true, false)[0] : 0;
                byte[] qname = java.util.Arrays.copyOf(q.name, len);
                byte[] body = above.gslb().referralBelow(qname, q.type, Location.classOf(loc), engine.siteState(),
                        engine.liveMembers());
                ByteBuf out = output((tcp ? 2 : 0) + ReplyWriter.cachedLength(body, q, limit));
                int start = begin(out, tcp);
                if (ReplyWriter.cached(out, body, q, 0, payload, limit)) {
                    stats.truncated();
                }
                stats.reply(Dns.RCODE_NOERROR);
                return end(out, start, tcp);
            }
            Zone zone = snap.zoneAt(q.name, i, len - i);
            if (zone != null || above != null) {
                NameNode wildcard = wildcardBelow(snap, i);
                if (wildcard != null) {
                    return fromNode(wildcard, true, tcp, payload, limit);
                }
                Zone z = zone != null ? zone : above.zone();
                ByteBuf out = output((tcp ? 2 : 0) + ReplyWriter.negativeLength(q, z.soaTail(), limit));
                int start = begin(out, tcp);
                if (ReplyWriter.negative(out, q, Dns.RCODE_NXDOMAIN, z.soaTail(), z.apex().length, 0, payload,
                        limit)) {
                    stats.truncated();
                }
                stats.reply(Dns.RCODE_NXDOMAIN);
                return end(out, start, tcp);
            }
            if (q.name[i] == 0) {
                break;
            }
        }
        return error(Dns.RCODE_REFUSED, tcp, payload);
    }

    /**
     * The reply from a name's node: its static reply for the type, or its GSLB answer for
     * this client. {@code synthesized}: the node is a wildcard standing in for the query
     * name (RFC 4592), whose replies are rewritten for it.
     */
    private ByteBuf fromNode(NameNode node, boolean synthesized, boolean tcp, int payload, int limit) {
        var stats = engine.stats();
        GslbRecord g = node.gslb();
        byte[] body;
        int scope = 0;
        if (g != null && g.answers(q.type)) {
            int loc = 0;
            long subnet = 0;
            if (g.usesGeo() || g.usesSticky()) {
                int[] placed = place(g.usesGeo(), g.usesSticky());
                loc = placed[0];
                scope = placed[1];
                subnet = this.subnet;
            }
            SiteStateView view = engine.siteState();
            body = g.reply(q.type, Location.classOf(loc), subnet, view, engine.liveMembers(),
                    g.usesSticky() ? System.currentTimeMillis() : 0);
            stats.gslb(g.chainArray());
        } else {
            body = node.reply(q.type);
        }
        int length = synthesized ? ReplyWriter.synthesizedLength(body, q, limit)
                : ReplyWriter.cachedLength(body, q, limit);
        ByteBuf out = output((tcp ? 2 : 0) + length);
        int start = begin(out, tcp);
        boolean truncated = synthesized ? ReplyWriter.synthesized(out, body, q, scope, payload, limit)
                : ReplyWriter.cached(out, body, q, scope, payload, limit);
        if (truncated) {
            stats.truncated();
        }
        stats.reply(body[3] & 0xF);
        return end(out, start, tcp);
    }

    /** The node of {@code *.<the query name's suffix at offset>}, or {@code null}. */
    private NameNode wildcardBelow(ZoneSnapshot snap, int offset) {
        int suffix = q.nameLength - offset;
        System.arraycopy(q.name, offset, wildcardName, 2, suffix);
        return snap.nodeAt(wildcardName, 0, 2 + suffix);
    }

    private ByteBuf error(int rcode, boolean tcp, int payload) {
        ByteBuf out = output((tcp ? 2 : 0) + ReplyWriter.errorLength(q));
        int start = begin(out, tcp);
        ReplyWriter.error(out, q, rcode, payload);
        engine.stats().reply(rcode);
        return end(out, start, tcp);
    }

    private long subnet;
    private final int[] placed = new int[2];

    /**
     * Where the client is: from the ECS subnet when the query has one (with a non-zero
     * prefix), else from its address. Sets {@link #subnet} (the sticky key) too.
     *
     * @return {packed location, ECS scope}
     */
    private int[] place(boolean geoUsed, boolean sticky) {
        GeoLocator geo = engine.geo();
        int loc;
        int scope;
        if (q.ecs && q.ecsSourcePrefix > 0) {
            int source = q.ecsSourcePrefix;
            if (q.ecsFamily == 1) {
                byte[] a = q.ecsAddress;
                int v4 = ((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
                loc = geo.locateV4(v4);
                subnet = (1L << 40) | (v4 >>> 8);
                scope = Math.min(source, Math.max(geoUsed ? Location.prefixOf(loc) : 0, sticky ? 24 : 0));
            } else {
                loc = geo.locateV6(q.ecsAddress);
                subnet = v6Subnet(q.ecsAddress);
                scope = Math.min(source, Math.max(geoUsed ? Location.prefixOf(loc) : 0, sticky ? 56 : 0));
            }
        } else if (clientFamily == 4) {
            int v4 = clientV4;
            loc = geo.locateV4(v4);
            subnet = (1L << 40) | (v4 >>> 8);
            scope = 0;
        } else if (clientFamily == 6) {
            byte[] a = clientV6 != null ? clientV6 : clientAddress.getAddress();
            loc = geo.locateV6(a);
            subnet = v6Subnet(a);
            scope = 0;
        } else {
            loc = 0;
            subnet = 0;
            scope = 0;
        }
        placed[0] = loc;
        placed[1] = scope;
        return placed;
    }

    private static long v6Subnet(byte[] a) {
        long s = 2L << 56;
        for (int i = 0; i < 7; i++) {
            s |= (long) (a[i] & 0xFF) << (8 * (6 - i));
        }
        return s;
    }

    private static int begin(ByteBuf out, boolean tcp) {
        if (tcp) {
            out.writeShort(0);
        }
        return out.writerIndex();
    }

    private static ByteBuf end(ByteBuf out, int start, boolean tcp) {
        if (tcp) {
            out.setShort(start - 2, out.writerIndex() - start);
        }
        return out;
    }
}
