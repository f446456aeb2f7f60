package io.fulcrum.l4.tls;

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
final class TestCertificates {

    private TestCertificates() {
    }

    /** A certificate and key pair on disk. */
    record Pair(Path cert, Path key) {
        CertificateConfig config() {
            return new CertificateConfig(cert.toString(), key.toString());
        }

        X509Certificate x509() throws Exception {
            try (InputStream in = Files.newInputStream(cert)) {
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
        }
    }

    /** Whether the openssl command can be run. */
    static boolean opensslAvailable() {
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
    static Pair selfSigned(Path dir, String file, String cn, String san) throws IOException, InterruptedException {
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

    /** A client context that trusts exactly these certificates. */
    static SSLContext trusting(Pair... pairs) throws Exception {
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
