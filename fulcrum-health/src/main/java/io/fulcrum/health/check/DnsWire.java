package io.fulcrum.health.check;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The little of the DNS wire format (RFC 1035) a health check needs: one query
 * with one question, and the answer section of the response rendered as text.
 * Malformed responses raise {@link IllegalArgumentException}.
 */
final class DnsWire {

    static final Map<String, Integer> TYPES = Map.of("A", 1, "NS", 2, "CNAME", 5, "SOA", 6, "PTR", 12, "MX", 15,
            "TXT", 16, "AAAA", 28, "SRV", 33);
    static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

    /** A parsed response: its id, rcode and the answers of the asked type as text. */
    record Response(int id, int rcode, List<String> answers) {
        String rcodeName() {
            return rcode < RCODES.length ? RCODES[rcode] : "RCODE" + rcode;
        }
    }

    private DnsWire() {
    }

    static int type(String name) {
        Integer t = TYPES.get(name.toUpperCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException("unsupported record type " + name);
        }
        return t;
    }

    /** A recursion-desired query for {@code name} (dotted, trailing dot optional). */
    static byte[] query(int id, String name, int type) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0);
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            if (l.length > 63) {
                throw new IllegalArgumentException("label longer than 63 bytes: " + label);
            }
            b.put((byte) l.length).put(l);
        }
        b.put((byte) 0).putShort((short) type).putShort((short) 1);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** Parses a response; only answers of {@code type} are returned. */
    static Response parse(byte[] msg, int len, int type) {
        try {
            ByteBuffer b = ByteBuffer.wrap(msg, 0, len);
            int id = b.getShort() & 0xffff;
            int flags = b.getShort() & 0xffff;
            if ((flags & 0x8000) == 0) {
                throw new IllegalArgumentException("not a response");
            }
            int qd = b.getShort() & 0xffff;
            int an = b.getShort() & 0xffff;
            b.getShort();
            b.getShort();
            for (int i = 0; i < qd; i++) {
                name(msg, len, b);
                b.getInt();
            }
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < an; i++) {
                name(msg, len, b);
                int rtype = b.getShort() & 0xffff;
                b.getShort();
                b.getInt();
                int rdlen = b.getShort() & 0xffff;
                int start = b.position();
                if (start + rdlen > len) {
                    throw new IllegalArgumentException("record data beyond the message");
                }
                if (rtype == type) {
                    answers.add(rdata(msg, len, b, rtype, rdlen));
                }
                b.position(start + rdlen);
            }
            return new Response(id, flags & 0xf, List.copyOf(answers));
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated DNS message", e);
        }
    }

    private static String rdata(byte[] msg, int len, ByteBuffer b, int type, int rdlen) {
        return switch (type) {
            case 1, 28 -> {
                byte[] a = new byte[rdlen];
                b.get(a);
                try {
                    yield InetAddress.getByAddress(a).getHostAddress();
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("bad address length " + rdlen);
                }
            }
            case 2, 5, 12 -> name(msg, len, b);
            case 15 -> (b.getShort() & 0xffff) + " " + name(msg, len, b);
            case 16 -> {
                StringBuilder sb = new StringBuilder();
                int end = b.position() + rdlen;
                while (b.position() < end) {
                    int n = b.get() & 0xff;
                    byte[] s = new byte[n];
                    b.get(s);
                    sb.append(new String(s, StandardCharsets.UTF_8));
                }
                yield sb.toString();
            }
            default -> {
                byte[] raw = new byte[rdlen];
                b.get(raw);
                yield java.util.HexFormat.of().formatHex(raw);
            }
        };
    }

    /** Reads a possibly compressed name at the buffer's position; leaves the position after it. */
    private static String name(byte[] msg, int len, ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        int pos = b.position();
        int jumps = 0;
        boolean jumped = false;
        while (true) {
            if (pos >= len) {
                throw new IllegalArgumentException("name beyond the message");
            }
            int n = msg[pos] & 0xff;
            if ((n & 0xc0) == 0xc0) {
                if (++jumps > 32) {
                    throw new IllegalArgumentException("compression loop");
                }
                int target = ((n & 0x3f) << 8) | (msg[pos + 1] & 0xff);
                if (!jumped) {
                    b.position(pos + 2);
                    jumped = true;
                }
                pos = target;
                continue;
            }
            if (n == 0) {
                if (!jumped) {
                    b.position(pos + 1);
                }
                return sb.isEmpty() ? "." : sb.toString();
            }
            sb.append(new String(msg, pos + 1, n, StandardCharsets.US_ASCII)).append('.');
            pos += 1 + n;
        }
    }
}
