package io.fulcrum.dns.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Encodes one whole reply ahead of time (header, question, answer, authority and
 * additional sections, with name compression), ID zero and without OPT: the server
 * caches the bytes and patches them per query ({@link ReplyWriter}).
 */
public final class MessageBuilder {

    /**
     * Highest offset a compression pointer may point to: 0x3FFF, less room for the reply to
     * move by a longer question name when it is written for a name a wildcard covers.
     */
    private static final int MAX_POINTER_TARGET = 0x3FFF - 255;

    private byte[] buf = new byte[512];
    private int pos;
    private final Map<String, Integer> offsets = new HashMap<>();
    private int answers;
    private int authority;
    private int additional;
    private int section;

    /**
     * Starts a reply to one question.
     *
     * @param qname         the question name, lower-case wire form
     * @param qtype         the question type
     * @param authoritative whether to set AA
     * @param rcode         the RCODE (0–15)
     */
    public MessageBuilder(byte[] qname, int qtype, boolean authoritative, int rcode) {
        int flags = Dns.FLAG_QR | (authoritative ? Dns.FLAG_AA : 0) | (rcode & 0xF);
        put16(0);
        put16(flags);
        put16(1);
        put16(0);
        put16(0);
        put16(0);
        name(qname, true);
        put16(qtype);
        put16(Dns.CLASS_IN);
    }

    /** Adds to the answer section. */
    public MessageBuilder answer(RecordData r) {
        if (section > 0) {
            throw new IllegalStateException("answer after authority");
        }
        record(r);
        answers++;
        return this;
    }

    /** Adds to the authority section. */
    public MessageBuilder authority(RecordData r) {
        if (section > 1) {
            throw new IllegalStateException("authority after additional");
        }
        section = 1;
        record(r);
        authority++;
        return this;
    }

    /** Adds to the additional section. */
    public MessageBuilder additional(RecordData r) {
        section = 2;
        record(r);
        additional++;
        return this;
    }

    /** The encoded reply. */
    public byte[] toBytes() {
        byte[] out = Arrays.copyOf(buf, pos);
        out[6] = (byte) (answers >> 8);
        out[7] = (byte) answers;
        out[8] = (byte) (authority >> 8);
        out[9] = (byte) authority;
        out[10] = (byte) (additional >> 8);
        out[11] = (byte) additional;
        return out;
    }

    private void record(RecordData r) {
        name(r.owner(), true);
        put16(r.type());
        put16(Dns.CLASS_IN);
        put32(r.ttl());
        int lengthAt = pos;
        put16(0);
        for (RecordData.Part part : r.parts()) {
            if (part.name()) {
                name(part.bytes(), true);
            } else {
                put(part.bytes(), 0, part.bytes().length);
            }
        }
        int rdlength = pos - lengthAt - 2;
        buf[lengthAt] = (byte) (rdlength >> 8);
        buf[lengthAt + 1] = (byte) rdlength;
    }

    /** Writes a wire-form name, pointing to an earlier copy of its longest known suffix. */
    private void name(byte[] wire, boolean compress) {
        int i = 0;
        while (wire[i] != 0) {
            String key = new String(wire, i, wire.length - i, StandardCharsets.ISO_8859_1);
            Integer at = compress ? offsets.get(key) : null;
            if (at != null) {
                put16(0xC000 | at);
                return;
            }
            if (pos <= MAX_POINTER_TARGET) {
                offsets.put(key, pos);
            }
            int len = wire[i];
            put(wire, i, len + 1);
            i += len + 1;
        }
        put8(0);
    }

    private void put8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    private void put16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >> 8);
        buf[pos++] = (byte) v;
    }

    private void put32(long v) {
        ensure(4);
        buf[pos++] = (byte) (v >> 24);
        buf[pos++] = (byte) (v >> 16);
        buf[pos++] = (byte) (v >> 8);
        buf[pos++] = (byte) v;
    }

    private void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
