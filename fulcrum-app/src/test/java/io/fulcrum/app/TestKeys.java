package io.fulcrum.app;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Certificates and keys in the PEM forms operators bring, made at test time with the {@code openssl} command. */
final class TestKeys {

    /** A certificate file and the file of its key. */
    record Pair(Path cert, Path key) {
    }

    private TestKeys() {
    }

    static boolean opensslAvailable() {
        try {
            run(List.of("openssl", "version"));
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** A self-signed RSA certificate for the DNS name {@code cn}; the key is PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    static Pair rsa(Path dir, String file, String cn) throws IOException, InterruptedException {
        Pair p = new Pair(dir.resolve(file + ".crt"), dir.resolve(file + ".key"));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=DNS:" + cn, "-keyout", p.key().toString(), "-out", p.cert().toString());
        return p;
    }

    /** The same certificate with its key rewritten as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    static Pair pkcs1(Pair rsa, Path dir, String file) throws IOException, InterruptedException {
        Path key = dir.resolve(file + ".key");
        openssl("pkey", "-in", rsa.key().toString(), "-traditional", "-out", key.toString());
        return new Pair(rsa.cert(), key);
    }

    /** A self-signed P-256 certificate whose key is SEC1 ({@code BEGIN EC PRIVATE KEY}), as {@code ecparam -genkey} writes it. */
    static Pair sec1(Path dir, String file, String cn) throws IOException, InterruptedException {
        Pair p = new Pair(dir.resolve(file + ".crt"), dir.resolve(file + ".key"));
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", p.key().toString());
        openssl("req", "-x509", "-key", p.key().toString(), "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=DNS:" + cn, "-out", p.cert().toString());
        return p;
    }

    /** A client context that trusts exactly these certificates. */
    static SSLContext trusting(Pair... pairs) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        for (int i = 0; i < pairs.length; i++) {
            try (InputStream in = Files.newInputStream(pairs[i].cert())) {
                ks.setCertificateEntry("c" + i, x509.generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
