package io.fulcrum.health.check;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The little a check needs from an HTTP/1.1 response: the status and the body as
 * text (de-chunked). Knows when a response is complete (Content-Length reached or
 * the last chunk seen) so a check need not wait for the server to close.
 */
record HttpResponseText(int status, String body) {

    /** Parses a response; {@code null} when it does not start with a valid status line. */
    static HttpResponseText parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.") || text.length() < 12) {
            return null;
        }
        int status;
        try {
            status = Integer.parseInt(text.substring(9, 12));
        } catch (NumberFormatException e) {
            return null;
        }
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return new HttpResponseText(status, "");
        }
        String headers = text.substring(0, headerEnd).toLowerCase(Locale.ROOT);
        String body = text.substring(headerEnd + 4);
        if (headers.contains("\r\ntransfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new HttpResponseText(status, new String(body.getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8));
    }

    /** Whether the bytes hold a whole response (so reading can stop before the server closes). */
    static boolean complete(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return false;
        }
        String headers = text.substring(0, headerEnd).toLowerCase(Locale.ROOT);
        int bodyLength = text.length() - headerEnd - 4;
        int cl = headers.indexOf("\r\ncontent-length:");
        if (cl >= 0) {
            int eol = headers.indexOf("\r\n", cl + 2);
            String v = headers.substring(cl + 17, eol < 0 ? headers.length() : eol).trim();
            try {
                return bodyLength >= Long.parseLong(v);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (headers.contains("\r\ntransfer-encoding: chunked")) {
            return text.endsWith("0\r\n\r\n");
        }
        return false;
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            String sizeText = body.substring(i, eol);
            int semi = sizeText.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            int start = eol + 2;
            int end = Math.min(body.length(), start + size);
            out.append(body, start, end);
            i = end + 2;
        }
        return out.toString();
    }
}
