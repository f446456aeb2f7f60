package io.fulcrum.dns.wire;

/** The hash of a lower-case wire-form name that the name tables and the parser agree on. */
public final class NameHash {

    private NameHash() {
    }

    /** Hash of {@code length} bytes of {@code wire} from {@code offset}. */
    public static int of(byte[] wire, int offset, int length) {
        int h = 0x811c9dc5;
        for (int i = offset; i < offset + length; i++) {
            h = (h ^ (wire[i] & 0xff)) * 0x01000193;
        }
        return h;
    }

    /** Mixes one more byte into a running hash. */
    static int step(int h, int b) {
        return (h ^ (b & 0xff)) * 0x01000193;
    }

    /** The starting value of a running hash. */
    static int start() {
        return 0x811c9dc5;
    }
}
