package io.fulcrum.dns.wire;

/** Numbers of the DNS protocol used by the server (RFC 1035, 3596, 2782, 6891, 7871, 7873). */
public final class Dns {

    public static final int TYPE_A = 1;
    public static final int TYPE_NS = 2;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_SOA = 6;
    public static final int TYPE_PTR = 12;
    public static final int TYPE_MX = 15;
    public static final int TYPE_TXT = 16;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_SRV = 33;
    public static final int TYPE_OPT = 41;
    public static final int TYPE_IXFR = 251;
    public static final int TYPE_AXFR = 252;
    public static final int TYPE_ANY = 255;

    public static final int CLASS_IN = 1;
    public static final int CLASS_ANY = 255;

    public static final int OPCODE_QUERY = 0;

    public static final int RCODE_NOERROR = 0;
    public static final int RCODE_FORMERR = 1;
    public static final int RCODE_SERVFAIL = 2;
    public static final int RCODE_NXDOMAIN = 3;
    public static final int RCODE_NOTIMP = 4;
    public static final int RCODE_REFUSED = 5;
    /** Extended RCODE 16 (RFC 6891): header 0, OPT extended-rcode 1. */
    public static final int RCODE_BADVERS = 16;

    public static final int OPTION_ECS = 8;
    /** DNS Cookies (RFC 7873): a client cookie of 8 bytes, then a server cookie of 8 to 32. */
    public static final int OPTION_COOKIE = 10;

    /** Header flag bits (second and third header bytes as one short). */
    public static final int FLAG_QR = 0x8000;
    public static final int FLAG_AA = 0x0400;
    public static final int FLAG_TC = 0x0200;
    public static final int FLAG_RD = 0x0100;

    public static final int HEADER_LENGTH = 12;
    /** Largest UDP reply without EDNS (RFC 1035). */
    public static final int CLASSIC_UDP_SIZE = 512;
    /** Largest message (TCP length prefix). */
    public static final int MAX_MESSAGE = 65535;

    private Dns() {
    }

    /** The mnemonic of a type ({@code TYPE65} for those without one here). */
    public static String typeName(int type) {
        return switch (type) {
            case TYPE_A -> "A";
            case TYPE_NS -> "NS";
            case TYPE_CNAME -> "CNAME";
            case TYPE_SOA -> "SOA";
            case TYPE_PTR -> "PTR";
            case TYPE_MX -> "MX";
            case TYPE_TXT -> "TXT";
            case TYPE_AAAA -> "AAAA";
            case TYPE_SRV -> "SRV";
            case TYPE_OPT -> "OPT";
            case TYPE_IXFR -> "IXFR";
            case TYPE_AXFR -> "AXFR";
            case TYPE_ANY -> "ANY";
            default -> "TYPE" + type;
        };
    }

    /** The mnemonic of an RCODE. */
    public static String rcodeName(int rcode) {
        return switch (rcode) {
            case RCODE_NOERROR -> "NOERROR";
            case RCODE_FORMERR -> "FORMERR";
            case RCODE_SERVFAIL -> "SERVFAIL";
            case RCODE_NXDOMAIN -> "NXDOMAIN";
            case RCODE_NOTIMP -> "NOTIMP";
            case RCODE_REFUSED -> "REFUSED";
            case RCODE_BADVERS -> "BADVERS";
            default -> "RCODE" + rcode;
        };
    }
}
