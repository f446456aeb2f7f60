package io.fulcrum.app;

import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.TestCertificates;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload refuses what {@code fulcrum validate} and {@code fulcrum run} refuse, before any of
 * it is applied, and says so as {@code validate} does ({@code file:line:column: field: reason}):
 * in a real {@code fulcrum run} process whose file is edited to a key of another certificate,
 * or to a GSLB record that does not compile, beside changes to other sections. Over the network
 * nothing changes: dig answers the old records, the HTTPS listener hands out the old
 * certificate, a listener added beside the refused change is not bound. The admin API's
 * validate (and {@code fulcrum ctl validate}) refuses the same text with the same message.
 *
 * <p>Before the reloader compiled its candidate, the key was caught only while the proxy
 * applied it (a "partly failed" reload naming no line), and the GSLB record only by DNS, after
 * the proxy had already bound the added listener; the admin API's validate accepted both.
 */
class ReloadCompileRefusalTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String TOKEN = "compile-refusal-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the edits change; the rest of the file stays the same. */
    private record Edit(TestCertificates.Pair tls, String www, String gslbTier, boolean extraListener) {
    }

    @TempDir
    Path dir;

    private TestCertificates.Pair a;
    private TestCertificates.Pair b;
    private SSLContext trustingBoth;
    private int web;
    private int extra;
    private int dns;
    private int admin;
    private NamedBackend one;
    private Path file;
    private FulcrumProcess process;
    private HttpClient http;

    @BeforeEach
    void setUp() throws Exception {
        assumeThat(TestCertificates.opensslAvailable()).as("the openssl command makes the test certificates").isTrue();
        a = TestCertificates.selfSigned(dir, "a", "a.test", "DNS:a.test");
        b = TestCertificates.selfSigned(dir, "b", "b.test", "DNS:b.test");
        trustingBoth = TestCertificates.trusting(a, b);
        web = FreePorts.tcp();
        extra = FreePorts.tcp();
        dns = FreePorts.tcpAndUdp("127.0.0.1");
        admin = FreePorts.tcp();
        one = NamedBackend.start("one");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void tearDown() {
        if (process != null) {
            process.close();
        }
        if (one != null) {
            one.close();
        }
        if (http != null) {
            http.close();
        }
    }

    private String yaml(Edit e) {
        String extraListener = !e.extraListener() ? "" : """
                  - name: extra
                    bind: 127.0.0.1:%d
                    routes: [{name: all, pool: app}]
                """.formatted(extra);
        return """
                server:
                  eventLoopThreads: 1
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    tls:
                      certificates:
                        - certFile: %s
                          keyFile: %s
                    routes: [{name: all, pool: app}]
                %spools:
                  - name: app
                    backends:
                      - {name: one, address: "%s"}
                sites:
                  - {name: east, region: ARIN, vips: [192.0.2.10],
                     nodes: [{name: gns1.example.test., address: 198.51.100.1}]}
                dns:
                  listen: ["127.0.0.1:%d"]
                  zones:
                    - name: app.example.test
                      records:
                        - {name: "@", type: NS, value: gns1.example.test.}
                        - {name: www, type: A, value: %s}
                  gslb:
                    - name: app.example.test
                      tier: %s
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - {name: ops, role: admin, token: %s}
                """.formatted(web, e.tls().cert(), e.tls().key(), extraListener, one.address(), dns, e.www(),
                e.gslbTier(), admin, TOKEN);
    }

    /** The first configuration: certificate a, www at .20, a lower-tier GSLB record (served), no extra listener. */
    private Edit first() {
        return new Edit(a, "192.0.2.20", "lower", false);
    }

    private void run(Edit first) throws Exception {
        file = Files.writeString(dir.resolve("fulcrum.yaml"), yaml(first));
        Path pidFile = dir.resolve("fulcrum.pid");
        process = FulcrumProcess.start(dir, "run", "-c", file.toString(), "--no-watch", "--pid-file",
                pidFile.toString());
        await().atMost(LIMIT).until(() -> !process.isAlive() || Files.exists(pidFile) && Sockets.listening(admin));
        assertThat(process.isAlive()).as(process.stderr()).isTrue();
        assertServing("CN=a.test", "192.0.2.20");
    }

    /** The configuration that is serving, seen over the network: certificate, records, the extra listener. */
    private void assertServing(String subject, String www) throws Exception {
        assertThat(https()).isEqualTo(subject + " 200 one");
        assertThat(dig("www.app.example.test")).isEqualTo(www);
        assertThat(dig("app.example.test")).as("the GSLB record").isEqualTo("192.0.2.10");
    }

    private void write(Edit e) throws IOException {
        Path temp = Files.writeString(file.resolveSibling(".fulcrum.yaml.tmp"), yaml(e));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtItsLineAndNothingOfTheEditIsApplied() throws Exception {
        run(first());
        Edit mismatched = new Edit(new TestCertificates.Pair(b.cert(), a.key()), "192.0.2.99", "lower", true);
        write(mismatched);
        String refusal = file + ":" + TestConfigs.lineOf(yaml(mismatched), "keyFile:") + ":20: "
                + "listeners[0].tls.certificates[0].keyFile: the private key " + a.key()
                + " does not belong to the certificate " + b.cert();

        sighup();
        await().atMost(LIMIT).until(() -> process.stderr().contains("reload refused: ") || !process.isAlive());
        assertThat(process.stderr()).contains("reload refused: " + refusal).doesNotContain("partly failed")
                .doesNotContain("reloaded ");
        // The admin API's reload gives the same refusal as its answer, and the event says refused and why.
        HttpResponse<String> reload = post("/api/v1/reload", "");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(422);
        assertThat(JSON.readTree(reload.body()).path("error").asText()).startsWith(refusal);
        JsonNode event = lastReloadEvent();
        assertThat(event.path("details").path("outcome").asText()).isEqualTo("refused");
        assertThat(event.path("reason").asText()).startsWith(refusal);

        // Nothing changed: the old certificate, the old record, and the listener beside it is not bound.
        assertServing("CN=a.test", "192.0.2.20");
        assertThat(Sockets.listening(extra)).isFalse();

        // The same edit with the certificate's own key is applied, all of it.
        write(new Edit(b, "192.0.2.99", "lower", true));
        sighup();
        await().atMost(LIMIT).until(() -> process.stderr().contains("reloaded ") || !process.isAlive());
        assertServing("CN=b.test", "192.0.2.99");
        assertThat(Sockets.listening(extra)).isTrue();
    }

    @Test
    void aGslbRecordThatDoesNotCompileIsRefusedBeforeTheProxyChangeBesideItIsApplied() throws Exception {
        run(first());
        Edit upper = new Edit(a, "192.0.2.99", "upper", true);
        write(upper);
        String refusal = file + ":" + (TestConfigs.lineOf(yaml(upper), "tier: upper") - 1) + ":13: "
                + "dns.gslb[0].name: app.example.test. is the apex of zone app.example.test";

        HttpResponse<String> reload = post("/api/v1/reload", "");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(422);
        assertThat(JSON.readTree(reload.body()).path("error").asText()).startsWith(refusal);
        assertThat(process.stderr()).contains("reload refused: " + refusal).doesNotContain("partly failed");
        assertThat(lastReloadEvent().path("details").path("outcome").asText()).isEqualTo("refused");

        // The proxy is applied before DNS: its new listener must not have been bound on the way.
        assertThat(Sockets.listening(extra)).isFalse();
        assertServing("CN=a.test", "192.0.2.20");
    }

    @Test
    void theAdminApisValidateRefusesAKeyOfAnotherCertificateAtItsField() throws Exception {
        run(first());
        String mismatched = yaml(new Edit(new TestCertificates.Pair(b.cert(), a.key()), "192.0.2.20", "lower", false));
        int line = TestConfigs.lineOf(mismatched, "keyFile:");
        String reason = "the private key " + a.key() + " does not belong to the certificate " + b.cert();

        HttpResponse<String> r = post("/api/v1/config/validate", mismatched);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode verdict = JSON.readTree(r.body());
        assertThat(verdict.path("valid").asBoolean()).as(r.body()).isFalse();
        assertThat(verdict.path("errors")).hasSize(1);
        JsonNode error = verdict.path("errors").get(0);
        assertThat(error.path("path").asText()).isEqualTo("listeners[0].tls.certificates[0].keyFile");
        assertThat(error.path("line").asInt()).isEqualTo(line);
        assertThat(error.path("column").asInt()).isEqualTo(20);
        assertThat(error.path("message").asText()).startsWith(reason);

        // fulcrum ctl validate prints it as such and fails.
        Path candidate = Files.writeString(dir.resolve("candidate.yaml"), mismatched);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute("ctl", "--server", "http://127.0.0.1:" + admin, "--token", TOKEN, "validate",
                candidate.toString());
        assertThat(exit).as(out + "\n" + err).isNotZero();
        assertThat(out.toString()).contains("error: " + line + ":20: listeners[0].tls.certificates[0].keyFile: "
                + reason);

        // The certificate with its own key is valid: the refusal above is about the key.
        HttpResponse<String> good = post("/api/v1/config/validate", yaml(new Edit(b, "192.0.2.20", "lower", false)));
        assertThat(JSON.readTree(good.body()).path("valid").asBoolean()).as(good.body()).isTrue();
    }

    private void sighup() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode lastReloadEvent() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin + "/api/v1/events?limit=1000"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode last = null;
        for (JsonNode e : JSON.readTree(r.body())) {
            if (e.path("kind").asText().equals("config.reload")) {
                last = e;
            }
        }
        assertThat(last).as(r.body()).isNotNull();
        return last;
    }

    /** One HTTPS request: "subject status body" of what answered. */
    private String https() throws Exception {
        try (SSLSocket s = (SSLSocket) trustingBoth.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), web), 5000);
            s.setSoTimeout(10_000);
            s.startHandshake();
            X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String status = response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4);
            return peer.getSubjectX500Principal().getName() + " " + status + " "
                    + response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private String dig(String name) throws Exception {
        return Commands.dig("127.0.0.1", dns, name, "A");
    }
}
