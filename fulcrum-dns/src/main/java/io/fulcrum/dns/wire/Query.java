package io.fulcrum.dns.wire;

/**
 * One parsed query, reused for every packet an event loop reads (no allocation per
 * query). Filled by {@link QueryParser}.
 */
public final class Query {

    /** How the parse ended. */
    public enum Status {
        /** A well-formed standard query. */
        OK,
        /** Not worth an answer (too short for a header, or a response). */
        DROP,
        /** Malformed: answer FORMERR. */
        FORMERR,
        /** An opcode or query type this server does not implement. */
        NOTIMP,
        /** A class other than IN. */
        REFUSED,
        /** An EDNS version other than 0. */
        BADVERS
    }

    public int id;
    /** Header flags (opcode, RD…) as sent. */
    public int flags;
    /**
     * Whether the message has exactly one question and it was read whole: an error reply
     * echoes it then (RFC 1035 4.1.2; what resolvers match replies by).
     */
    public boolean question;
    /** Wire length of the question name, final zero included; it starts at offset 12. */
    public int nameLength;
    /** The question name in lower case, wire form. */
    public final byte[] name = new byte[256];
    /**
     * The question name as the client wrote it (its case), wire form, {@link #nameLength}
     * bytes: the reply's question is written from here rather than copied from the query's
     * buffer, since a buffer-to-buffer copy between direct buffers goes through NIO views
     * that allocate whenever the JIT does not inline the whole copy.
     */
    public final byte[] nameAsSent = new byte[256];
    /** Hash of {@link #name} (see {@link NameHash}). */
    public int nameHash;
    public int type;
    public int qclass;

    /**
     * Whether an OPT record was present and its fixed part could be read: every reply,
     * errors included, then carries one (RFC 6891 6.1.1).
     */
    public boolean edns;
    /** The client's advertised UDP payload size (512 at least). */
    public int udpSize;
    /** The DO bit. */
    public boolean dnssecOk;

    /** Whether an EDNS Client Subnet option was present. */
    public boolean ecs;
    /** ECS family: 1 IPv4, 2 IPv6. */
    public int ecsFamily;
    /** ECS source prefix length. */
    public int ecsSourcePrefix;
    /** ECS address bytes as sent (ceil(source/8) of them), zero-padded to 16. */
    public final byte[] ecsAddress = new byte[16];
    public int ecsAddressLength;

    /** Clears what a previous parse left. */
    void reset() {
        id = 0;
        flags = 0;
        question = false;
        nameLength = 0;
        nameHash = 0;
        type = 0;
        qclass = 0;
        edns = false;
        udpSize = Dns.CLASSIC_UDP_SIZE;
        dnssecOk = false;
        ecs = false;
        ecsFamily = 0;
        ecsSourcePrefix = 0;
        ecsAddressLength = 0;
        java.util.Arrays.fill(ecsAddress, (byte) 0);
    }

    /** Offset just after the question (name, type and class). */
    public int questionEnd() {
        return Dns.HEADER_LENGTH + nameLength + 4;
    }

    /** Bytes an OPT record in the reply to this query takes (0 without EDNS). */
    public int optLength() {
        if (!edns) {
            return 0;
        }
        return 11 + (ecs ? 4 + 4 + ecsAddressLength : 0);
    }
}
