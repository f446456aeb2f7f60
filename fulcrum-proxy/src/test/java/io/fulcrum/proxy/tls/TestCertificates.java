package io.fulcrum.proxy.tls;

import io.fulcrum.core.config.CertificateConfig;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates made at test time with the {@code openssl} command. */
public final class TestCertificates {

    private TestCertificates() {
    }

    /** A certificate and key pair on disk. */
    public record Pair(Path cert, Path key) {
        public CertificateConfig config() {
            return new CertificateConfig(cert.toString(), key.toString());
        }

        X509Certificate x509() throws Exception {
            try (InputStream in = Files.newInputStream(cert)) {
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
        }
    }

    /** Whether the openssl command can be run. */
    public static boolean opensslAvailable() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * A self-signed RSA certificate for {@code cn} with the given subject alternative names
     * (e.g. {@code DNS:a.test,IP:127.0.0.1}); the key is PKCS#8 PEM.
     */
    public static Pair selfSigned(Path dir, String file, String cn, String san) throws IOException, InterruptedException {
        Path cert = dir.resolve(file + ".crt");
        Path key = dir.resolve(file + ".key");
        List<String> cmd = List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + cn, "-addext", "subjectAltName=" + san,
                "-keyout", key.toString(), "-out", cert.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl failed: " + out);
        }
        return new Pair(cert, key);
    }

    /** The same certificate with its RSA key rewritten as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), as older tools write it. */
    public static Pair withPkcs1Key(Pair rsa, Path dir, String file) throws IOException, InterruptedException {
        Path key = dir.resolve(file + ".key");
        openssl("pkey", "-in", rsa.key().toString(), "-traditional", "-out", key.toString());
        return new Pair(rsa.cert(), key);
    }

    /**
     * A self-signed P-256 certificate whose key is SEC1 ({@code BEGIN EC PRIVATE KEY}) after an
     * {@code EC PARAMETERS} block, as {@code openssl ecparam -genkey} writes it.
     */
    public static Pair ecSelfSigned(Path dir, String file, String cn, String san) throws IOException, InterruptedException {
        Path cert = dir.resolve(file + ".crt");
        Path key = dir.resolve(file + ".key");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
        openssl("req", "-x509", "-key", key.toString(), "-days", "2", "-subj", "/CN=" + cn, "-addext",
                "subjectAltName=" + san, "-out", cert.toString());
        return new Pair(cert, key);
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl failed: " + out);
        }
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
}
