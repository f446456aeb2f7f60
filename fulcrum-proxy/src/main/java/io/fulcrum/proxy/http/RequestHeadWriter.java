package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes a bodiless request's head for an HTTP/1.1 backend into one buffer, the same
 * bytes Netty's {@code HttpRequestEncoder} writes, but built in a per-thread byte array
 * and moved into the direct buffer with one copy (the encoder writes each character to
 * direct memory on its own, which showed in profiles).
 */
final class RequestHeadWriter {

    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };
    private static final byte[] VERSION_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    private RequestHeadWriter() {
    }

    /**
     * The request's head as HTTP/1.1 bytes, or null when the encoder should do it: a URI that is
     * empty, in absolute form or not ASCII (the encoder normalises those).
     */
    static ByteBuf encode(HttpRequest request, ByteBufAllocator alloc) {
        String uri = request.uri();
        if (uri.isEmpty() || uri.charAt(0) != '/') {
            return null;
        }
        byte[] b = SCRATCH.get();
        String method = request.method().name();
        int need = method.length() + uri.length() + VERSION_CRLF.length + 2;
        if (need > b.length) {
            b = grow(need);
        }
        int n = copy(method, b, 0);
        b[n++] = ' ';
        n = copyAscii(uri, b, n);
        if (n < 0) {
            return null; // the encoder writes a non-ASCII URI as UTF-8
        }
        System.arraycopy(VERSION_CRLF, 0, b, n, VERSION_CRLF.length);
        n += VERSION_CRLF.length;
        Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            CharSequence value = e.getValue();
            need = n + name.length() + value.length() + 6;
            if (need > b.length) {
                b = Arrays.copyOf(b, Math.max(need, b.length * 2));
                SCRATCH.set(b);
            }
            n = copy(name, b, n);
            b[n++] = ':';
            b[n++] = ' ';
            n = copy(value, b, n);
            b[n++] = '\r';
            b[n++] = '\n';
        }
        b[n++] = '\r';
        b[n++] = '\n';
        return alloc.ioBuffer(n).writeBytes(b, 0, n);
    }

    private static byte[] grow(int need) {
        byte[] b = new byte[Math.max(need, 8192)];
        SCRATCH.set(b);
        return b;
    }

    /** Copies characters one byte each, as the encoder does: Latin-1 as is, anything beyond becomes '?'. */
    private static int copy(CharSequence s, byte[] b, int at) {
        int len = s.length();
        if (s instanceof AsciiString a) {
            System.arraycopy(a.array(), a.arrayOffset(), b, at, len);
        } else if (s instanceof String str) {
            // ISO-8859-1 maps every other character to '?', like the encoder; a bulk copy for Latin-1 strings.
            System.arraycopy(str.getBytes(StandardCharsets.ISO_8859_1), 0, b, at, len);
        } else {
            for (int i = 0; i < len; i++) {
                char c = s.charAt(i);
                b[at + i] = c <= 0xff ? (byte) c : (byte) '?';
            }
        }
        return at + len;
    }

    /** Copies an ASCII string; -1 when it has any other character. */
    private static int copyAscii(String s, byte[] b, int at) {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            b[at + i] = (byte) c;
        }
        return at + len;
    }
}
