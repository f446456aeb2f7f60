package io.fulcrum.proxy.log;

import io.fulcrum.core.config.SyslogConfig;

import java.nio.charset.StandardCharsets;

/**
 * The RFC 5424 framing of one message, as HAProxy's {@code format rfc5424} writes it:
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG}, no structured data, the
 * message as UTF-8 without a BOM, cut to the configured maximum length.
 */
final class SyslogMessage {

    private final byte[] header;
    private final byte[] headerTail;
    private final int maxLength;

    /** The parts fixed for a configuration: everything but the timestamp and the message. */
    SyslogMessage(SyslogConfig config, String hostname, long pid) {
        int pri = SyslogConfig.FACILITIES.indexOf(config.facility()) * 8 + SyslogConfig.SEVERITIES.indexOf(config.severity());
        this.header = ("<" + pri + ">1 ").getBytes(StandardCharsets.US_ASCII);
        this.headerTail = (" " + field(hostname, 255) + " " + field(config.appName(), 48) + " " + pid + " "
                + field(config.msgId(), 32) + " - ").getBytes(StandardCharsets.US_ASCII);
        this.maxLength = config.maxLength();
    }

    /**
     * The whole datagram for {@code message} logged at {@code epochMillis}.
     */
    byte[] encode(long epochMillis, CharSequence message) {
        byte[] time = AccessLog.time(epochMillis).getBytes(StandardCharsets.US_ASCII);
        byte[] msg = message.toString().getBytes(StandardCharsets.UTF_8);
        int room = maxLength - header.length - time.length - headerTail.length;
        int n = Math.max(0, Math.min(msg.length, room));
        // Never cut a UTF-8 sequence in two: back up to the start of the character that would be cut.
        while (n > 0 && n < msg.length && (msg[n] & 0xC0) == 0x80) {
            n--;
        }
        byte[] out = new byte[header.length + time.length + headerTail.length + n];
        int at = 0;
        System.arraycopy(header, 0, out, at, header.length);
        at += header.length;
        System.arraycopy(time, 0, out, at, time.length);
        at += time.length;
        System.arraycopy(headerTail, 0, out, at, headerTail.length);
        at += headerTail.length;
        System.arraycopy(msg, 0, out, at, n);
        return out;
    }

    /**
     * A header field: printable ASCII without spaces (RFC 5424 PRINTUSASCII), at most {@code max}
     * characters; anything else becomes {@code _}, and an empty one the nil value {@code -}.
     */
    static String field(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && sb.length() < max; i++) {
            char c = value.charAt(i);
            sb.append(c > 32 && c < 127 ? c : '_');
        }
        return sb.toString();
    }
}
