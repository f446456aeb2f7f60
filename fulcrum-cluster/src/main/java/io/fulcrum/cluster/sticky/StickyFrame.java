package io.fulcrum.cluster.sticky;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One message of the sticky peer channel. The channel is a TCP connection from one proxy to
 * another, one way: the connecting side pushes, the accepting side applies.
 * <pre>
 *   hello:   'F' 'S' 'P' version(1)                         once, first
 *   entry:   0x01 table(UTF) key(UTF) backend(UTF) ttlMillis(int64)
 *   synced:  0x02                                           end of the full table sent after connecting
 * </pre>
 * {@code table} is {@code listener/route}, {@code backend} the backend's name in the route's
 * pool, {@code ttlMillis} the entry's remaining life at the sender (clocks are not compared).
 * Strings are Java's modified UTF-8 with a 2-byte length, each at most {@link #MAX_TEXT} bytes.
 *
 * @param table     the sticky table ({@code listener/route})
 * @param key       the client key
 * @param backend   the backend's name
 * @param ttlMillis remaining life
 */
public record StickyFrame(String table, String key, String backend, long ttlMillis) {

    static final byte[] HELLO = {'F', 'S', 'P', 1};
    static final int ENTRY = 1;
    static final int SYNCED = 2;
    /** Longest string accepted: far above any listener, route, backend name or key. */
    static final int MAX_TEXT = 1024;

    /** Writes the hello. */
    static void writeHello(DataOutputStream out) throws IOException {
        out.write(HELLO);
    }

    /** Reads and checks the hello. */
    static void readHello(DataInputStream in) throws IOException {
        byte[] got = new byte[HELLO.length];
        in.readFully(got);
        if (!java.util.Arrays.equals(got, HELLO)) {
            throw new IOException("not a Fulcrum sticky peer (bad hello)");
        }
    }

    void write(DataOutputStream out) throws IOException {
        out.writeByte(ENTRY);
        out.writeUTF(table);
        out.writeUTF(key);
        out.writeUTF(backend);
        out.writeLong(ttlMillis);
    }

    static void writeSynced(DataOutputStream out) throws IOException {
        out.writeByte(SYNCED);
    }

    /**
     * Reads the next message: an entry, or {@code null} for "synced".
     *
     * @throws IOException on a closed connection or a malformed message (the caller drops the connection)
     */
    static StickyFrame read(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        if (type == SYNCED) {
            return null;
        }
        if (type != ENTRY) {
            throw new IOException("unknown sticky peer message type " + type);
        }
        String table = text(in);
        String key = text(in);
        String backend = text(in);
        long ttl = in.readLong();
        if (ttl < 0) {
            throw new IOException("negative entry lifetime");
        }
        return new StickyFrame(table, key, backend, ttl);
    }

    private static String text(DataInputStream in) throws IOException {
        String s = in.readUTF();
        if (s.length() > MAX_TEXT) {
            throw new IOException("string longer than " + MAX_TEXT);
        }
        return s;
    }
}
