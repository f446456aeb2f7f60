package io.fulcrum.gslb.peer;

import io.fulcrum.gslb.handoff.HandoffTable;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The binary wire format of site-state messages, one message per UDP datagram:
 *
 * <pre>
 * "FGS" version(1)=1 | type(1) | keyIdLen(1) keyId | senderLen(1) sender
 * | timestamp(8, epoch ms) | sequence(8) | bodyLen(2) body | HMAC-SHA256(32) over all bytes before it
 * </pre>
 *
 * Strings are UTF-8 with a one-byte length (two bytes for an EVENT's reason); numbers big-endian.
 * The signature covers the header too, so the key id, sender, timestamp and sequence cannot be
 * changed without the secret. Stateless and thread-safe.
 */
public final class WireCodec {

    /** Largest datagram written or read. */
    public static final int MAX_DATAGRAM = 8192;
    static final int MAC_LENGTH = 32;
    private static final byte[] MAGIC = {'F', 'G', 'S', 1};
    private static final String ALGORITHM = "HmacSHA256";

    private WireCodec() {
    }

    /** Encodes and signs a message with this key. */
    public static byte[] encode(SiteMessage m, PeerKey key) {
        ByteBuffer b = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            b.put(MAGIC).put((byte) m.type().code);
            putShort(b, key.keyId());
            putShort(b, m.sender());
            b.putLong(m.timestampMillis()).putLong(m.sequence());
            int lengthAt = b.position();
            b.putShort((short) 0);
            int bodyStart = b.position();
            writeBody(b, m);
            int bodyLength = b.position() - bodyStart;
            b.putShort(lengthAt, (short) bodyLength);
            if (b.remaining() < MAC_LENGTH) {
                throw new IllegalArgumentException("message larger than " + MAX_DATAGRAM + " bytes");
            }
        } catch (java.nio.BufferOverflowException e) {
            throw new IllegalArgumentException("message larger than " + MAX_DATAGRAM + " bytes", e);
        }
        byte[] mac = mac(key, b.array(), b.position());
        b.put(mac);
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    /**
     * Verifies and decodes one datagram (no replay check here: see {@link ReplayWindow}).
     *
     * @param keys the key of each key id this node holds (null for an unknown id)
     * @return the message and the key that verified it
     * @throws MessageRejected when it is malformed, signed with an unknown key, or badly signed
     */
    public static Verified decode(byte[] data, Function<String, PeerKey> keys) throws MessageRejected {
        if (data.length > MAX_DATAGRAM) {
            throw new MessageRejected(DropReason.MALFORMED, "datagram of " + data.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        try {
            for (byte magic : MAGIC) {
                if (b.get() != magic) {
                    throw new MessageRejected(DropReason.MALFORMED, "not a site-state message (bad magic)");
                }
            }
            MessageType type = MessageType.of(b.get() & 0xff);
            if (type == null) {
                throw new MessageRejected(DropReason.MALFORMED, "unknown message type " + (data[4] & 0xff));
            }
            String keyId = getShort(b);
            PeerKey key = keys.apply(keyId);
            if (key == null) {
                throw new MessageRejected(DropReason.UNKNOWN_KEY, "key id \"" + printable(keyId) + "\"");
            }
            if (data.length < MAC_LENGTH + b.position()) {
                throw new MessageRejected(DropReason.MALFORMED, "too short");
            }
            int signedLength = data.length - MAC_LENGTH;
            byte[] expected = mac(key, data, signedLength);
            byte[] given = new byte[MAC_LENGTH];
            System.arraycopy(data, signedLength, given, 0, MAC_LENGTH);
            if (!MessageDigest.isEqual(expected, given)) {
                throw new MessageRejected(DropReason.BAD_SIGNATURE, "key id \"" + printable(keyId) + "\"");
            }
            String sender = getShort(b);
            long timestamp = b.getLong();
            long sequence = b.getLong();
            int bodyLength = b.getShort() & 0xffff;
            if (b.position() + bodyLength != signedLength) {
                throw new MessageRejected(DropReason.MALFORMED, "body length does not match");
            }
            ByteBuffer body = b.slice(b.position(), bodyLength);
            SiteMessage m = readBody(body, type, sender, timestamp, sequence);
            if (body.hasRemaining()) {
                throw new MessageRejected(DropReason.MALFORMED, "trailing bytes in the body");
            }
            return new Verified(m, key);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MessageRejected(DropReason.MALFORMED, "truncated or inconsistent");
        }
    }

    /**
     * A message whose signature checked out.
     *
     * @param message the message
     * @param key     the key that signed it
     */
    public record Verified(SiteMessage message, PeerKey key) {
    }

    // ---- body -----------------------------------------------------------------------------------

    private static void writeBody(ByteBuffer b, SiteMessage m) {
        switch (m.type()) {
            case UPDATE, EVENT -> {
                putLong(b, m.reason());
                SiteReport r = m.report();
                b.put(count(r.preferences().size(), 255));
                for (String s : r.preferences()) {
                    putShort(b, s);
                }
                b.putShort(count16(r.responseTimes().size()));
                for (SiteReport.VipTime t : r.responseTimes()) {
                    putShort(b, t.site());
                    putShort(b, t.vip());
                    b.putDouble(t.millis()).put((byte) (t.up() ? 1 : 0));
                }
                b.putShort(count16(r.capacity().size()));
                for (SiteReport.VipCapacity c : r.capacity()) {
                    putShort(b, c.vip());
                    b.putLong(c.available()).putLong(c.total());
                }
                b.putLong(r.freeMemoryBytes()).put((byte) (r.limitHit() ? 1 : 0));
            }
            case TABLE -> {
                b.putShort(count16(m.table().rows().size()));
                for (HandoffTable.Row row : m.table().rows()) {
                    putShort(b, row.site());
                    b.putLong(row.weight()).putDouble(row.share());
                }
            }
            case QUERY -> {
            }
        }
    }

    private static SiteMessage readBody(ByteBuffer b, MessageType type, String sender, long timestamp,
                                        long sequence) {
        return switch (type) {
            case UPDATE, EVENT -> {
                String reason = getLong(b);
                int n = b.get() & 0xff;
                List<String> prefs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    prefs.add(getShort(b));
                }
                n = b.getShort() & 0xffff;
                List<SiteReport.VipTime> times = new ArrayList<>(Math.min(n, 256));
                for (int i = 0; i < n; i++) {
                    times.add(new SiteReport.VipTime(getShort(b), getShort(b), b.getDouble(), flag(b)));
                }
                n = b.getShort() & 0xffff;
                List<SiteReport.VipCapacity> capacity = new ArrayList<>(Math.min(n, 256));
                for (int i = 0; i < n; i++) {
                    capacity.add(new SiteReport.VipCapacity(getShort(b), b.getLong(), b.getLong()));
                }
                long freeMemory = b.getLong();
                boolean limit = flag(b);
                yield new SiteMessage(type, sender, timestamp, sequence, reason,
                        new SiteReport(prefs, times, capacity, freeMemory, limit), null);
            }
            case TABLE -> {
                int n = b.getShort() & 0xffff;
                List<HandoffTable.Row> rows = new ArrayList<>(Math.min(n, 256));
                for (int i = 0; i < n; i++) {
                    rows.add(new HandoffTable.Row(getShort(b), b.getLong(), b.getDouble()));
                }
                yield new SiteMessage(type, sender, timestamp, sequence, "", null, new HandoffTable(rows));
            }
            case QUERY -> new SiteMessage(type, sender, timestamp, sequence, "", null, null);
        };
    }

    private static boolean flag(ByteBuffer b) {
        int v = b.get();
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException("flag " + v);
        }
        return v == 1;
    }

    // ---- primitives -----------------------------------------------------------------------------

    private static byte count(int n, int max) {
        if (n > max) {
            throw new IllegalArgumentException("too many entries: " + n);
        }
        return (byte) n;
    }

    private static short count16(int n) {
        if (n > 0xffff) {
            throw new IllegalArgumentException("too many entries: " + n);
        }
        return (short) n;
    }

    /** A string of at most 255 bytes. */
    private static void putShort(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.put(count(bytes.length, 255)).put(bytes);
    }

    private static String getShort(ByteBuffer b) {
        int n = b.get() & 0xff;
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A string of at most 65535 bytes. */
    private static void putLong(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putShort(count16(bytes.length)).put(bytes);
    }

    private static String getLong(ByteBuffer b) {
        int n = b.getShort() & 0xffff;
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] mac(PeerKey key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key.secretBytes(), ALGORITHM));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** A key id from the wire, safe to put in a log line. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
