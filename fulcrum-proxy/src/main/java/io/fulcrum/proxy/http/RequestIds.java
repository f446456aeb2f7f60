package io.fulcrum.proxy.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: the client's own when it sent a usable one, else a new one made of a random
 * 64-bit prefix drawn once per process (so two nodes, or two runs, do not repeat each other)
 * and a counter: unique, and one string concatenation per request.
 */
final class RequestIds {

    /** The longest id taken from a request; a longer one is replaced. */
    static final int MAX_LENGTH = 128;

    private static final String PREFIX = HexFormat.of().formatHex(randomBytes()) + "-";
    private static final AtomicLong NEXT = new AtomicLong();

    private RequestIds() {
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** A new id, e.g. {@code 3f9c0a6e1d2b4c58-1a2b}. */
    static String next() {
        return PREFIX + Long.toHexString(NEXT.incrementAndGet());
    }

    /** {@code incoming} when it is a usable id (1 to {@value #MAX_LENGTH} visible ASCII characters), else a new one. */
    static String takeOrMake(String incoming) {
        return usable(incoming) ? incoming : next();
    }

    static boolean usable(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
