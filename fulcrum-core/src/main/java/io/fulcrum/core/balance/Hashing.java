package io.fulcrum.core.balance;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The one 64-bit hash used by every hashing algorithm (client address, header
 * and cookie keys, Maglev permutations, ring points).
 *
 * <p>It follows xxHash64's short-input path (eight bytes per round, then a
 * final avalanche); it is not xxHash64-compatible and need not be: all that
 * matters is good mixing, speed and no allocation. Strings are hashed
 * straight from their characters, four per round, without encoding them.
 */
public final class Hashing {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Hashing() {
    }

    /** MurmurHash3's 64-bit finalizer: a bijective mix of all 64 bits. */
    public static long mix(long z) {
        z ^= z >>> 33;
        z *= 0xFF51AFD7ED558CCDL;
        z ^= z >>> 33;
        z *= 0xC4CEB9FE1A85EC53L;
        z ^= z >>> 33;
        return z;
    }

    /** Hash of two values, order-sensitive (e.g. a backend's name hash and a replica number). */
    public static long combine(long a, long b) {
        return mix(a ^ mix(b + P4));
    }

    /** Hash of a whole byte array (e.g. a client address of 4 or 16 bytes). */
    public static long hash(byte[] bytes) {
        return hash(bytes, 0, bytes.length);
    }

    /** Hash of {@code len} bytes of {@code bytes} from {@code off}. */
    public static long hash(byte[] bytes, int off, int len) {
        long h = P5 + len;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            h = round(h, (long) LONGS.get(bytes, i));
        }
        if (i + 4 <= end) {
            h ^= ((int) INTS.get(bytes, i) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 4;
        }
        for (; i < end; i++) {
            h ^= (bytes[i] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        return avalanche(h);
    }

    /** Hash of a string's UTF-16 characters, without allocating. */
    public static long hash(CharSequence s) {
        int len = s.length();
        long h = P5 + 2L * len;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            long k = s.charAt(i)
                    | (long) s.charAt(i + 1) << 16
                    | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48;
            h = round(h, k);
        }
        for (; i < len; i++) {
            h ^= s.charAt(i) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        return avalanche(h);
    }

    /**
     * Maps a hash uniformly onto {@code [0, n)} with a multiply instead of a
     * division (Lemire's "fastrange" on the upper 32 bits).
     *
     * @param n a positive bound
     */
    public static int bucket(long hash, int n) {
        return (int) (((hash >>> 32) * n) >>> 32);
    }

    /** Maps a hash uniformly onto {@code [0, n)} for a 64-bit bound. */
    public static long bucket(long hash, long n) {
        return Math.unsignedMultiplyHigh(hash, n);
    }

    private static long round(long h, long k) {
        k *= P2;
        k = Long.rotateLeft(k, 31);
        k *= P1;
        h ^= k;
        return Long.rotateLeft(h, 27) * P1 + P4;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }
}
