package io.fulcrum.app;

import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fulcrum validate} refuses what {@code fulcrum run} refuses, because both compile the
 * file the same way (certificates and keys included) before anything binds; and a refusal is
 * one line naming file, line, column and field, never a stack trace. Real child processes,
 * real certificates made with openssl, real TLS clients.
 */
class ValidateAsRunTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeEach
    void openssl() {
        assumeThat(TestCertificates.opensslAvailable()).as("the openssl command makes the test certificates").isTrue();
    }

    /** One HTTPS listener presenting these certificates, in front of {@code backend}. */
    private static String https(int port, String backend, TestCertificates.Pair... certs) {
        StringBuilder list = new StringBuilder();
        for (TestCertificates.Pair c : certs) {
            list.append("        - certFile: ").append(c.cert()).append('\n')
                    .append("          keyFile: ").append(c.key()).append('\n');
        }
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    tls:
                      certificates:
                %s    routes:
                      - name: all
                        pool: app
                pools:
                  - name: app
                    backends:
                      - address: %s
                """.formatted(port, list, backend);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedByValidateAndByRunInOneLineAtItsField() throws Exception {
        TestCertificates.Pair a = TestCertificates.selfSigned(dir, "a", "a.test", "DNS:a.test");
        TestCertificates.Pair b = TestCertificates.selfSigned(dir, "b", "b.test", "DNS:b.test");
        int port = FreePorts.tcp();
        String yaml = https(port, "127.0.0.1:9", new TestCertificates.Pair(a.cert(), b.key()));
        Path file = TestConfigs.write(dir, "mismatch.yaml", yaml);
        String expected = file + ":" + TestConfigs.lineOf(yaml, "keyFile:") + ":20: "
                + "listeners[0].tls.certificates[0].keyFile: the private key " + b.key()
                + " does not belong to the certificate " + a.cert();

        for (String command : List.of("validate", "run")) {
            try (FulcrumProcess p = FulcrumProcess.start(dir, command, "-c", file.toString())) {
                assertThat(p.waitFor(LIMIT)).as(command + ": " + p.stderr()).isEqualTo(2);
                assertThat(p.stdout()).as(command).doesNotContain("OK");
                List<String> lines = p.stderr().lines().toList();
                assertThat(lines).as(command).hasSize(1);
                assertThat(lines.getFirst()).as(command).startsWith(expected);
                assertThat(Sockets.listening(port)).as(command).isFalse();
            }
        }
    }

    @Test
    void aSiteListLeftUnderGslbOrDnsIsRefusedByValidateAndRunAtItsLineSayingWhereItMoved() throws Exception {
        int port = FreePorts.tcp();
        int dnsPort = FreePorts.tcpAndUdp("127.0.0.1");
        String yaml = TestConfigs.good(port) + """
                gslb:
                  site: a
                  sites:
                    - name: a
                      vips: ["127.0.0.1:%d"]
                dns:
                  listen: ["127.0.0.1:%d"]
                  zones: [{name: example.test}]
                  sites:
                    - {name: a, vips: [127.0.0.1]}
                """.formatted(port, dnsPort);
        Path file = TestConfigs.write(dir, "old-sites.yaml", yaml);
        List<String> text = yaml.lines().toList();
        List<Integer> lines = new java.util.ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            if (text.get(i).equals("  sites:")) {
                lines.add(i + 1);
            }
        }
        assertThat(lines).hasSize(2);
        String moved = "\"sites\" is no longer written here: it moved to the top-level sites: list";
        String gslbLine = file + ":" + lines.get(0) + ":3: gslb.sites: " + moved;
        String dnsLine = file + ":" + lines.get(1) + ":3: dns.sites: " + moved;

        List<String> refusals = new java.util.ArrayList<>();
        for (String command : List.of("validate", "run")) {
            try (FulcrumProcess p = FulcrumProcess.start(dir, command, "-c", file.toString())) {
                assertThat(p.waitFor(LIMIT)).as(command + ": " + p.stderr()).isEqualTo(2);
                // Those two lines only: the sections' own checks follow from the old layout.
                List<String> errors = p.stderr().lines().toList();
                assertThat(errors).as(command).hasSize(2);
                assertThat(errors.get(0)).as(command).startsWith(gslbLine);
                assertThat(errors.get(1)).as(command).startsWith(dnsLine);
                assertThat(Sockets.listening(port)).as(command).isFalse();
                refusals.add(p.stderr());
            }
        }
        assertThat(refusals.get(1)).isEqualTo(refusals.get(0));
    }

    @Test
    void pkcs1RsaAndSec1EcKeysValidateAndServeRealHandshakes() throws Exception {
        TestCertificates.Pair rsa = TestCertificates.withPkcs1Key(TestCertificates.selfSigned(dir, "rsa", "rsa.test", "DNS:rsa.test"), dir, "rsa-pkcs1");
        TestCertificates.Pair ec = TestCertificates.ecSelfSigned(dir, "ec", "ec.test", "DNS:ec.test");
        try (NamedBackend backend = NamedBackend.start("behind-tls")) {
            int port = FreePorts.tcp();
            Path file = TestConfigs.write(dir, "keys.yaml", https(port, backend.address(), rsa, ec));

            try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
                assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
                assertThat(p.stdout()).startsWith(file + ": OK");
            }
            try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString())) {
                await().atMost(LIMIT).until(() -> Sockets.listening(port) || !p.isAlive());
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
                // A client context per connection: a resumed session would not choose a certificate again.
                assertThat(get(TestCertificates.trusting(rsa, ec), port, "rsa.test")).isEqualTo("CN=rsa.test RSA behind-tls");
                assertThat(get(TestCertificates.trusting(rsa, ec), port, "ec.test")).isEqualTo("CN=ec.test EC behind-tls");

                p.terminate();
                assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
            }
        }
    }

    @Test
    void anAgentTokenFileThatCannotBeReadIsRefusedByValidateAtItsLine() throws Exception {
        // A directory passes the "is it readable" test of the validator; only reading it fails.
        Path tokenDir = java.nio.file.Files.createDirectory(dir.resolve("token.d"));
        String yaml = TestConfigs.good(FreePorts.tcp()).replace("""
                  - name: app
                    backends:
                """, """
                  - name: app
                    health:
                      agent:
                        tokenFile: %s
                    backends:
                """.formatted(tokenDir));
        Path file = TestConfigs.write(dir, "agent.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(2);
            assertThat(p.stderr().lines().toList()).singleElement().asString()
                    .startsWith(file + ":" + TestConfigs.lineOf(yaml, "tokenFile:") + ":20: "
                            + "pools[0].health.agent.tokenFile: cannot read " + tokenDir);
        }
    }

    @Test
    void aPacketCpuThisProcessMayNotRunOnIsRefusedByValidateAndRunAtItsField() throws Exception {
        int[] allowed = io.fulcrum.nativeio.Libc.allowedCpus();
        int port = FreePorts.tcp();
        String yaml = "server:\n  packetCpu: 1000\n" + TestConfigs.good(port);
        Path file = TestConfigs.write(dir, "packet-cpu.yaml", yaml);
        String expected = file + ":" + TestConfigs.lineOf(yaml, "packetCpu:") + ":14: server.packetCpu: "
                + "this process may not run on CPU 1000 (allowed: " + io.fulcrum.nativeio.CpuList.format(allowed) + ")";
        for (String command : List.of("validate", "run")) {
            try (FulcrumProcess p = FulcrumProcess.start(dir, command, "-c", file.toString())) {
                assertThat(p.waitFor(LIMIT)).as(command + ": " + p.stderr()).isEqualTo(2);
                assertThat(p.stderr().lines().toList()).as(command).singleElement().asString().startsWith(expected);
                assertThat(Sockets.listening(port)).as(command).isFalse();
            }
        }
    }

    /** A lower-tier node's DNS: the zone delegated to it, with its GSLB name at the apex. */
    private static String apexGslb(int dnsPort, String tier) {
        return """
                sites:
                  - {name: east, region: ARIN, vips: [192.0.2.10],
                     nodes: [{name: gns1.example.test., address: 198.51.100.1}]}
                dns:
                  listen: ["127.0.0.1:%d"]
                  zones:
                    - name: app.example.test
                      records:
                        - {name: "@", type: NS, value: gns1.example.test.}
                  gslb:
                    - name: app.example.test
                      tier: %s
                """.formatted(dnsPort, tier);
    }

    @Test
    void aLowerTierGslbRecordAtAZoneApexValidatesAndIsServedByRun() throws Exception {
        int dns = FreePorts.tcpAndUdp("127.0.0.1");
        Path file = TestConfigs.write(dir, "apex.yaml", apexGslb(dns, "lower"));
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
        }
        try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString())) {
            await().atMost(LIMIT).until(() -> Sockets.listening(dns) || !p.isAlive());
            assertThat(p.isAlive()).as(p.stderr()).isTrue();
            assertThat(dig(dns, "A")).isEqualTo("192.0.2.10");
            assertThat(dig(dns, "NS")).isEqualTo("gns1.example.test.");
            assertThat(dig(dns, "SOA")).startsWith("ns1.app.example.test. hostmaster.app.example.test.");
            p.terminate();
            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
        }
    }

    @Test
    void anUpperTierGslbRecordAtAZoneApexIsRefusedByValidateAtItsLine() throws Exception {
        String yaml = apexGslb(FreePorts.tcpAndUdp("127.0.0.1"), "upper");
        Path file = TestConfigs.write(dir, "upper.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(2);
            assertThat(p.stderr().lines().toList()).singleElement().asString()
                    .startsWith(file + ":" + (TestConfigs.lineOf(yaml, "tier: upper") - 1) + ":13: "
                            + "dns.gslb[0].name: app.example.test. is the apex of zone app.example.test");
        }
    }

    private static String dig(int port, String type) throws Exception {
        return Commands.dig("127.0.0.1", port, "app.example.test", type);
    }

    /** One HTTPS request with this SNI name: "subject keyAlgorithm body" of what answered. */
    private static String get(SSLContext ctx, int port, String sni) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(10_000);
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sni)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.startHandshake();
            X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + sni + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            return peer.getSubjectX500Principal().getName() + " " + peer.getPublicKey().getAlgorithm() + " "
                    + response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
