package io.fulcrum.testsupport;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made at test time with the {@code openssl} command, in the PEM
 * forms operators bring (PKCS#8, PKCS#1, SEC1), and the client and server contexts that go
 * with them.
 */
public final class TestCertificates {

    /** A fixed password for the key stores made here; they live in a test's temporary folder. */
    private static final char[] STORE_PASSWORD = "test-store".toCharArray();

    private TestCertificates() {
    }

    /** A certificate file and the file of its key. */
    public record Pair(Path cert, Path key) {

        /** The certificate file's path as a configuration names it. */
        public String certFile() {
            return cert.toString();
        }

        /** The key file's path as a configuration names it. */
        public String keyFile() {
            return key.toString();
        }

        /** The certificate, parsed. */
        public X509Certificate x509() throws Exception {
            try (InputStream in = Files.newInputStream(cert)) {
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
        }
    }

    /** Whether the openssl command can be run. */
    public static boolean opensslAvailable() {
        try {
            openssl("version");
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * A self-signed RSA certificate for {@code cn} with the given subject alternative names
     * (e.g. {@code DNS:a.test,IP:127.0.0.1}); the key is PKCS#8 ({@code BEGIN PRIVATE KEY}).
     */
    public static Pair selfSigned(Path dir, String file, String cn, String san) throws IOException, InterruptedException {
        Pair p = new Pair(dir.resolve(file + ".crt"), dir.resolve(file + ".key"));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=" + san, "-keyout", p.keyFile(), "-out", p.certFile());
        return p;
    }

    /** The same certificate with its RSA key rewritten as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), as older tools write it. */
    public static Pair withPkcs1Key(Pair rsa, Path dir, String file) throws IOException, InterruptedException {
        Path key = dir.resolve(file + ".key");
        openssl("pkey", "-in", rsa.keyFile(), "-traditional", "-out", key.toString());
        return new Pair(rsa.cert(), key);
    }

    /**
     * A self-signed P-256 certificate whose key is SEC1 ({@code BEGIN EC PRIVATE KEY}) after an
     * {@code EC PARAMETERS} block, as {@code openssl ecparam -genkey} writes it.
     */
    public static Pair ecSelfSigned(Path dir, String file, String cn, String san) throws IOException, InterruptedException {
        Pair p = new Pair(dir.resolve(file + ".crt"), dir.resolve(file + ".key"));
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", p.keyFile());
        openssl("req", "-x509", "-key", p.keyFile(), "-days", "2", "-subj", "/CN=" + cn, "-addext",
                "subjectAltName=" + san, "-out", p.certFile());
        return p;
    }

    /** A client context that trusts exactly these certificates. */
    public static SSLContext trusting(Pair... pairs) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < pairs.length; i++) {
            ks.setCertificateEntry("c" + i, pairs[i].x509());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * A server context that presents this certificate, for a test's own TLS server (the JDK
     * reads no PEM keys, so openssl packs the pair into a PKCS#12 store beside it first).
     */
    public static SSLContext serving(Pair pair) throws Exception {
        return serving(pair, null);
    }

    /**
     * Like {@link #serving(Pair)}, trusting only {@code client} for client certificates (the
     * server socket still has to ask for one); {@code null} = no client certificates trusted.
     */
    public static SSLContext serving(Pair pair, Pair client) throws Exception {
        Path store = pair.cert().resolveSibling(pair.cert().getFileName() + ".p12");
        openssl("pkcs12", "-export", "-in", pair.certFile(), "-inkey", pair.keyFile(), "-out", store.toString(),
                "-passout", "pass:" + new String(STORE_PASSWORD));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, STORE_PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD);
        TrustManager[] trust = null;
        if (client != null) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("client", client.x509());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            trust = tmf.getTrustManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), trust, null);
        return ctx;
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
