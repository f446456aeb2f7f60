package io.fulcrum.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The host names a certificate serves: its DNS subject alternative names, or its
 * subject's common name when it has none (as older certificates do). Names are
 * lower-cased; a wildcard name keeps its {@code *.} prefix.
 */
public final class CertificateNames {

    private CertificateNames() {
    }

    /** The names of the first (leaf) certificate of a PEM chain file. */
    public static Set<String> of(Path pemChain) {
        return of(leaf(pemChain));
    }

    /** The names of one certificate. */
    public static Set<String> of(X509Certificate cert) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
                        names.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("cannot read the subject alternative names of "
                    + cert.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            String cn = commonName(cert.getSubjectX500Principal().getName());
            if (cn != null) {
                names.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** The first certificate of a PEM file. */
    static X509Certificate leaf(Path pemChain) {
        return chain(pemChain)[0];
    }

    /**
     * Every certificate of a PEM file, in file order (the server's own first). Other PEM blocks
     * are skipped: a file may hold the private key too, as HAProxy's {@code crt} files do, and
     * then serves as both {@code certFile} and {@code keyFile}.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    static X509Certificate[] chain(Path pemChain) {
        try {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String block : certificateBlocks(Files.readString(pemChain, StandardCharsets.ISO_8859_1))) {
                try (InputStream in = new ByteArrayInputStream(block.getBytes(StandardCharsets.ISO_8859_1))) {
                    certs.add((X509Certificate) factory.generateCertificate(in));
                }
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(pemChain + " holds no certificate");
            }
            return certs.toArray(new X509Certificate[0]);
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read certificate " + pemChain + ": " + e.getMessage(), e);
        }
    }

    /** The {@code BEGIN CERTIFICATE} blocks of a PEM text, each with its markers, in order. */
    private static List<String> certificateBlocks(String pem) {
        List<String> blocks = new ArrayList<>();
        String begin = "-----BEGIN CERTIFICATE-----";
        String end = "-----END CERTIFICATE-----";
        for (int at = pem.indexOf(begin); at >= 0; at = pem.indexOf(begin, at)) {
            int stop = pem.indexOf(end, at);
            if (stop < 0) {
                blocks.add(pem.substring(at)); // unterminated: let the parser say what is wrong
                break;
            }
            blocks.add(pem.substring(at, stop + end.length()) + "\n");
            at = stop + end.length();
        }
        return blocks;
    }

    /** The CN of an RFC 2253 distinguished name, or {@code null}. */
    static String commonName(String rfc2253) {
        // Attributes are separated by unescaped commas; only the CN value is needed.
        int i = 0;
        while (i < rfc2253.length()) {
            int end = i;
            while (end < rfc2253.length() && rfc2253.charAt(end) != ',') {
                end += rfc2253.charAt(end) == '\\' ? 2 : 1;
            }
            String rdn = rfc2253.substring(i, Math.min(end, rfc2253.length())).strip();
            if (rdn.regionMatches(true, 0, "CN=", 0, 3)) {
                return rdn.substring(3).replace("\\", "");
            }
            i = end + 1;
        }
        return null;
    }
}
