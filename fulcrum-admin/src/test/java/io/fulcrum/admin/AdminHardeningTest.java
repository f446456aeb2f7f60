package io.fulcrum.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.admin.testing.Http;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.admin.testing.TestNode;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.lifecycle.NodeService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.fulcrum.admin.testing.AdminFixture.ADMIN_TOKEN;
import static io.fulcrum.admin.testing.AdminFixture.READ_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a hostile or broken client can do to the admin server, over raw sockets: the
 * token is checked on the head (a body is never read for a refused request), bodies are
 * capped per endpoint, a trickled head is cut off, the number of connections is capped,
 * names and secrets are checked as the configuration checks them, and a handler that
 * throws an {@link Error} still gets its request answered.
 */
class AdminHardeningTest {

    @TempDir
    Path dir;

    private final List<NamedBackend> backends = new ArrayList<>();
    private final List<RawHttp> clients = new ArrayList<>();
    private final Http http = new Http();
    private TestNode node;

    private TestNode start(String adminFields, NodeService... extra) throws Exception {
        backends.add(NamedBackend.start("alpha"));
        backends.add(NamedBackend.start("beta"));
        node = TestNode.start(AdminFixture.write(dir, backends, adminFields), extra);
        return node;
    }

    private RawHttp connect() throws IOException {
        RawHttp c = RawHttp.connect(node.adminUri());
        clients.add(c);
        return c;
    }

    @AfterEach
    void stop() throws IOException {
        for (RawHttp c : clients) {
            c.close();
        }
        if (node != null) {
            node.close();
        }
        backends.forEach(NamedBackend::close);
        http.close();
    }

    @Test
    void aMissingTokenAndAWrongTokenGetDifferentAnswers() throws Exception {
        start("");
        RawHttp c = connect();
        RawHttp.Response missing = c.request("GET", "/api/v1/backends", null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.body()).contains("a bearer token is required");
        assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
        RawHttp.Response wrong = c.request("GET", "/api/v1/backends", "wrong-token-0000000000");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("the bearer token is not valid").doesNotContain("required");
        c.send("GET /api/v1/backends HTTP/1.1\r\nHost: admin\r\nAuthorization: Basic b3BzOnNlY3JldA==\r\n\r\n");
        assertThat(c.read().body()).contains("must be Bearer");
        RawHttp.Response stream = c.request("GET", "/api/v1/events/stream", "wrong-token-0000000000");
        assertThat(stream.status()).isEqualTo(401);
        assertThat(stream.body()).contains("not valid");
    }

    @Test
    void aBodyLargerThanItsEndpointTakesIsRefusedBeforeItIsSent() throws Exception {
        start("");
        // Only the head: the answer must come without the server waiting for 100 000 bytes.
        RawHttp c = connect();
        c.send("POST /api/v1/pools/app/backends/alpha/drain HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer "
                + ADMIN_TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("16384 bytes POST /api/v1/pools/{pool}/backends/{backend}/drain");
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(c.isClosedByPeer()).isTrue();

        // Without a token, not even a configuration-sized body is waited for.
        RawHttp anonymous = connect();
        anonymous.send("POST /api/v1/config/validate HTTP/1.1\r\nHost: admin\r\nContent-Type: application/yaml\r\n"
                + "Content-Length: 3000000\r\n\r\nlisteners: []\n");
        RawHttp.Response a = anonymous.read();
        assertThat(a.status()).isEqualTo(401);
        assertThat(anonymous.isClosedByPeer()).isTrue();

        // A read token is refused a change on the head too.
        RawHttp reader = connect();
        reader.send("PUT /api/v1/pools/app/backends/alpha/weight HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer "
                + READ_TOKEN + "\r\nContent-Length: 10000\r\n\r\n");
        assertThat(reader.read().status()).isEqualTo(403);

        // A chunked body that grows past the limit is cut off where it does.
        RawHttp chunked = connect();
        chunked.send("PUT /api/v1/pools/app/backends/alpha/weight HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer "
                + ADMIN_TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        String chunk = "x".repeat(4096);
        for (int i = 0; i < 5; i++) {
            chunked.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
        }
        assertThat(chunked.read().status()).isEqualTo(413);

        assertThat(node.proxy().backend("app", "alpha").state()).isEqualTo(BackendState.UP);
        assertThat(node.proxy().backend("app", "alpha").weight()).isEqualTo(1);
        // A small body within the limit still works.
        assertThat(http.send("PUT", node.adminUri().resolve("api/v1/pools/app/backends/alpha/weight"), ADMIN_TOKEN,
                "{\"weight\":3}").statusCode()).isEqualTo(200);
    }

    @Test
    void aMalformedHeadGets400AndTheConnectionEnds() throws Exception {
        start("");
        RawHttp c = connect();
        c.send("GET /api/v1/status HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer " + ADMIN_TOKEN
                + "\r\nContent-Length: twelve\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(400);
        assertThat(c.isClosedByPeer()).isTrue();
        RawHttp d = connect();
        d.send("GET /api/v1/%zz HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer " + ADMIN_TOKEN + "\r\n\r\n");
        RawHttp.Response r = d.read();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("malformed path");
    }

    @Test
    void aHeadTrickledSlowerThanTheHeaderTimeoutIsCutOff() throws Exception {
        start("  headerTimeout: 1s\n");
        RawHttp c = connect();
        c.soTimeout(500);
        String head = "GET /api/v1/status HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer " + ADMIN_TOKEN + "\r\n"
                + "X-Padding: " + "p".repeat(60) + "\r\n\r\n";
        // One byte every 200 ms: the whole head would take about 25 s. Each byte resets an idle
        // timer, so only a timer on the head as a whole ends this.
        boolean closed = false;
        int sent = 0;
        for (; sent < head.length() && !closed; sent++) {
            try {
                c.send(head.substring(sent, sent + 1));
            } catch (IOException reset) {
                closed = true;
                break;
            }
            closed = c.isClosedByPeer(); // waits up to 500 ms for the server to close
        }
        assertThat(closed).as("closed by the server while the head was still coming").isTrue();
        assertThat(sent).as("bytes sent before the close").isLessThan(head.length());

        // A client that sends its head at once is served, and its kept connection is closed
        // after the same time without a next request.
        RawHttp prompt = connect();
        assertThat(prompt.request("GET", "/api/v1/whoami", READ_TOKEN).status()).isEqualTo(200);
        prompt.soTimeout(15_000);
        assertThat(prompt.isClosedByPeer()).isTrue();
    }

    @Test
    void connectionsBeyondTheCapAreRefusedAndAFreedPlaceIsTakenAgain() throws Exception {
        start("  maxConnections: 3\n");
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawHttp c = connect();
            assertThat(c.request("GET", "/api/v1/whoami", READ_TOKEN).status()).isEqualTo(200);
            held.add(c);
        }
        RawHttp fourth = connect();
        RawHttp.Response refused = fourth.read();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).contains("too many admin connections");
        assertThat(fourth.isClosedByPeer()).isTrue();
        // The held ones still work.
        assertThat(held.getFirst().request("GET", "/api/v1/whoami", READ_TOKEN).status()).isEqualTo(200);

        held.getLast().close();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (RawHttp again = RawHttp.connect(node.adminUri())) {
                return again.request("GET", "/api/v1/whoami", READ_TOKEN).status() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** A part of the node whose admin view fails with an {@link Error}, not an exception. */
    static final class Broken implements NodeService, AdminReadable {
        final AtomicInteger calls = new AtomicInteger();

        @Override public String name() { return "broken"; }
        @Override public void start(FulcrumConfig config) { }
        @Override public void apply(FulcrumConfig config) { }
        @Override public void close() { }
        @Override public String adminPath() { return "broken/view"; }
        @Override public Object adminSnapshot() {
            calls.incrementAndGet();
            throw new AssertionError("view state corrupted");
        }
    }

    @Test
    void anErrorInAHandlerIsAnswered500AndLoggedAndTheConnectionGoesOn() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("io.fulcrum.admin.api.AdminHandler");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            Broken broken = new Broken();
            start("", broken);
            RawHttp c = connect();
            RawHttp.Response r = c.request("GET", "/api/v1/broken/view", READ_TOKEN);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).contains("view state corrupted");
            assertThat(broken.calls).hasValue(1);
            // The same connection still answers.
            assertThat(c.request("GET", "/api/v1/whoami", READ_TOKEN).status()).isEqualTo(200);
            assertThat(seen.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("GET /api/v1/broken/view");
                assertThat(e.getThrowableProxy().getClassName()).isEqualTo(AssertionError.class.getName());
            });
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void backendNamesThatTheConfigurationRefusesAreRefusedThroughTheApi() throws Exception {
        start("");
        String address = backends.getFirst().address();
        for (String name : List.of("a\\nforged 2026-01-01 admin.backend.remove", "../../x", "a/b", "two words", "..")) {
            HttpResponse<String> r = http.send("POST", node.adminUri().resolve("api/v1/pools/app/backends"), ADMIN_TOKEN,
                    "{\"name\":\"" + name + "\",\"address\":\"" + address + "\"}");
            assertThat(r.statusCode()).as(name).isEqualTo(400);
            assertThat(r.body()).as(name).contains("name must not");
        }
        assertThat(node.proxy().runtime().pools().get("app").backends()).hasSize(2);
        assertThat(dir.resolve("fulcrum-state.json")).doesNotExist();
        assertThat(node.events().latest(100)).noneMatch(e -> e.kind().equals("admin.backend.add"));

        // The same rule in a configuration file.
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    routes: [{name: all, pool: app}]
                pools:
                  - name: app
                    backends:
                      - {name: "../x", address: "127.0.0.1:9"}
                """;
        var v = http.json("POST", node.adminUri().resolve("api/v1/config/validate"), READ_TOKEN, yaml, 200);
        assertThat(v.get("valid").asBoolean()).isFalse();
        assertThat(v.get("errors").toString()).contains("pools[0].backends[0].name").contains("must not contain '/'");
    }

    @Test
    void twoTokensWithOneSecretAreRefusedByValidation() throws Exception {
        start("");
        String yaml = """
                admin:
                  tokens:
                    - {name: ops, role: admin, token: shared-secret-0123456789}
                    - {name: viewer, role: read, token: shared-secret-0123456789}
                """;
        var v = http.json("POST", node.adminUri().resolve("api/v1/config/validate"), READ_TOKEN, yaml, 200);
        assertThat(v.get("valid").asBoolean()).isFalse();
        assertThat(v.get("errors").toString()).contains("admin.tokens[1].token").contains("same secret")
                .doesNotContain("shared-secret");
    }
}
