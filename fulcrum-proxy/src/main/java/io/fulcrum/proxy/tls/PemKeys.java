package io.fulcrum.proxy.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads an unencrypted PEM private key in the three forms HAProxy and NGINX accept (through
 * OpenSSL): PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) and
 * SEC1 EC ({@code BEGIN EC PRIVATE KEY}, possibly after an {@code EC PARAMETERS} block).
 *
 * <p>The JDK reads only PKCS#8, so a PKCS#1 or SEC1 key is wrapped in the PKCS#8 structure
 * (RFC 5208: version 0, the algorithm identifier, the key as an octet string) that OpenSSL
 * itself would write with {@code openssl pkcs8 -topk8 -nocrypt}; an EC key's curve is taken
 * from its own parameters field (RFC 5915 section 3).
 */
final class PemKeys {

    /** rsaEncryption, 1.2.840.113549.1.1.1, as a DER OID. */
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01,
        0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1, as a DER OID. */
    private static final byte[] EC_OID = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
    /** Key algorithms a PKCS#8 key is tried with, the usual ones first. */
    private static final List<String> PKCS8_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS");

    private PemKeys() {
    }

    /**
     * The private key in a PEM file.
     *
     * @throws IllegalArgumentException when the file cannot be read, holds no private key, holds an
     *                                  encrypted one, or one that does not decode
     */
    static PrivateKey read(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not a PEM file (it is not text)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Block block = Block.find(pem);
        if (block == null) {
            throw new IllegalArgumentException(file + " holds no PEM private key (BEGIN PRIVATE KEY, "
                    + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
        }
        if (block.label.equals("ENCRYPTED PRIVATE KEY") || block.encrypted) {
            throw new IllegalArgumentException(file + " holds an encrypted private key, which Fulcrum cannot "
                    + "read without a passphrase; write it out unencrypted (openssl pkey -in KEY -out PLAIN)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the " + block.label + " block is not valid base64");
        }
        try {
            return switch (block.label) {
                case "PRIVATE KEY" -> pkcs8(der);
                case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(
                        new PKCS8EncodedKeySpec(wrap(seq(RSA_OID, DER_NULL), der)));
                case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(
                        new PKCS8EncodedKeySpec(wrap(seq(EC_OID, ecCurve(der)), der)));
                default -> throw new IllegalArgumentException("a " + block.label + " block is not a key Fulcrum "
                        + "reads (use PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the " + block.label + " cannot be decoded: "
                    + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : PKCS8_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * The named-curve OID of a SEC1 {@code ECPrivateKey}: SEQUENCE { version, privateKey,
     * [0] parameters OPTIONAL, [1] publicKey OPTIONAL }.
     */
    private static byte[] ecCurve(byte[] sec1) {
        Der outer = Der.at(sec1, 0);
        if (outer.tag != 0x30) {
            throw new IllegalArgumentException("not a DER sequence");
        }
        for (int i = outer.contentStart; i < outer.end; ) {
            Der field = Der.at(sec1, i);
            if (field.tag == (byte) 0xA0) {
                Der oid = Der.at(sec1, field.contentStart);
                if (oid.tag != 0x06) {
                    break;
                }
                return Arrays.copyOfRange(sec1, field.contentStart, oid.end);
            }
            i = field.end;
        }
        throw new IllegalArgumentException("the EC key names no curve (explicit curve parameters are not "
                + "supported); convert it with openssl pkcs8 -topk8 -nocrypt");
    }

    /** PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return seq(VERSION_0, algorithm, tlv(0x04, key));
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xFFFFFF ? 4 : n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** One DER element: its tag, where its content starts and where it ends. */
    private record Der(byte tag, int contentStart, int end) {

        static Der at(byte[] d, int offset) {
            if (offset + 2 > d.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            byte tag = d[offset];
            int first = d[offset + 1] & 0xFF;
            int start = offset + 2;
            long length = first;
            if (first > 0x80) {
                int bytes = first & 0x7F;
                if (bytes > 4 || start + bytes > d.length) {
                    throw new IllegalArgumentException("bad DER length");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (d[start + i] & 0xFF);
                }
                start += bytes;
            } else if (first == 0x80) {
                throw new IllegalArgumentException("indefinite DER length");
            }
            if (start + length > d.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            return new Der(tag, start, (int) (start + length));
        }
    }

    /** The first PEM block whose label ends in {@code PRIVATE KEY}. */
    private record Block(String label, String base64, boolean encrypted) {

        static Block find(String pem) {
            int from = 0;
            while (true) {
                int begin = pem.indexOf("-----BEGIN ", from);
                if (begin < 0) {
                    return null;
                }
                int labelStart = begin + "-----BEGIN ".length();
                int labelEnd = pem.indexOf("-----", labelStart);
                if (labelEnd < 0) {
                    return null;
                }
                String label = pem.substring(labelStart, labelEnd).strip();
                String endLine = "-----END " + label + "-----";
                int bodyStart = labelEnd + 5;
                int end = pem.indexOf(endLine, bodyStart);
                if (end < 0) {
                    return null;
                }
                if (label.endsWith("PRIVATE KEY")) {
                    // RFC 1421 headers (Proc-Type, DEK-Info) precede the base64 of an old-style encrypted key.
                    StringBuilder base64 = new StringBuilder();
                    boolean encrypted = false;
                    for (String line : pem.substring(bodyStart, end).split("\r?\n")) {
                        if (line.contains(":")) {
                            encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
                        } else {
                            base64.append(line.strip());
                        }
                    }
                    return new Block(label, base64.toString(), encrypted);
                }
                from = end + endLine.length();
            }
        }
    }
}
