package io.fulcrum.proxy.tls;

import io.netty.buffer.ByteBuf;

/**
 * Reads from a ClientHello whether the client can verify an ECDSA certificate, so that a
 * name served by both an ECDSA and an RSA certificate gives each client the cheaper one it
 * accepts (ECDSA signs a handshake at a fraction of RSA's cost).
 *
 * <p>A client takes ECDSA when it offers a cipher suite an ECDSA certificate can serve
 * (any TLS 1.3 suite, or a TLS 1.2 ECDHE-ECDSA suite) and, if it sends
 * {@code signature_algorithms} (RFC 8446 4.2.3, RFC 5246 7.4.1.4.1), lists an ECDSA scheme
 * there. The reader only looks: it never throws on a malformed hello (TLS itself refuses that).
 */
final class ClientSignatures {

    private static final int EXTENSION_SIGNATURE_ALGORITHMS = 13;
    /** The low byte of every ECDSA signature scheme (ecdsa_secp256r1_sha256 = 0x0403, ...; TLS 1.2's hash/ecdsa pairs). */
    private static final int ECDSA = 3;

    private ClientSignatures() {
    }

    /**
     * Whether the client of this ClientHello body (from {@code client_version} on, the handshake
     * header stripped, as Netty's {@code SslClientHelloHandler} hands it) accepts an ECDSA certificate.
     * {@code null} or a hello too short to read: {@code true}, the handshake decides.
     */
    static boolean acceptsEcdsa(ByteBuf hello) {
        if (hello == null) {
            return true;
        }
        int at = hello.readerIndex();
        int end = hello.writerIndex();
        at += 2 + 32; // client_version, random
        if (at + 1 > end) {
            return true;
        }
        at += 1 + hello.getUnsignedByte(at); // session id
        if (at + 2 > end) {
            return true;
        }
        int suitesEnd = at + 2 + hello.getUnsignedShort(at);
        if (suitesEnd > end) {
            return true;
        }
        boolean ecdsaSuite = false;
        for (int s = at + 2; s + 2 <= suitesEnd; s += 2) {
            ecdsaSuite |= servesEcdsa(hello.getUnsignedShort(s));
        }
        if (!ecdsaSuite) {
            return false;
        }
        at = suitesEnd;
        if (at + 1 > end) {
            return true;
        }
        at += 1 + hello.getUnsignedByte(at); // compression methods
        if (at + 2 > end) {
            return true; // no extensions: TLS 1.2's default signature follows the suite, ECDSA
        }
        int extensionsEnd = Math.min(end, at + 2 + hello.getUnsignedShort(at));
        at += 2;
        while (at + 4 <= extensionsEnd) {
            int type = hello.getUnsignedShort(at);
            int length = hello.getUnsignedShort(at + 2);
            int body = at + 4;
            if (type == EXTENSION_SIGNATURE_ALGORITHMS && body + 2 <= extensionsEnd) {
                int listEnd = Math.min(Math.min(body + length, extensionsEnd), body + 2 + hello.getUnsignedShort(body));
                for (int p = body + 2; p + 2 <= listEnd; p += 2) {
                    if (hello.getUnsignedByte(p + 1) == ECDSA) {
                        return true;
                    }
                }
                return false;
            }
            at = body + length;
        }
        return true; // no signature_algorithms: TLS 1.2's default signature follows the suite
    }

    /** A TLS 1.3 suite (any certificate) or a TLS 1.2 ECDHE-ECDSA suite. */
    private static boolean servesEcdsa(int suite) {
        return (suite >> 8) == 0x13
                || suite == 0xC009 || suite == 0xC00A || suite == 0xC023 || suite == 0xC024
                || suite == 0xC02B || suite == 0xC02C || suite == 0xCCA9
                || (suite >= 0xC0AC && suite <= 0xC0AF);
    }
}
