package io.fulcrum.app;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.testsupport.EchoServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.ServerSettings;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.l4.service.L4Service;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fulcrum conns} against a real L4 router: a tiny HTTP server in the test serves
 * {@code GET /api/v1/connections} from the router's {@link io.fulcrum.core.l4.ConnectionTableSource}
 * the way the admin API does, behind a bearer token.
 */
class ConnsCommandTest {

    private static final String TOKEN = "s3cret";
    private EchoServer backend;
    private L4Service l4;
    private HttpServer admin;
    private Socket client;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        backend = EchoServer.start();
        int port = FreePorts.tcp();
        PoolConfig pool = PoolConfigBuilder.pool("echo")
                .backends(List.of(new BackendConfig(null, HostPort.of("127.0.0.1", backend.port()), 1, null, null, null, null, null)))
                .build();
        FulcrumConfig config = FulcrumConfigBuilder.config()
                .server(new ServerSettings(1, null, null, Duration.ofSeconds(1), null, null, null, null, null))
                .noAccessLog()
                .listeners(List.of())
                .pools(List.of(pool))
                .virtualServices(List.of(new VirtualServiceConfig("svc", List.of("127.0.0.2"), null, null,
                        List.of(new L4ListenerConfig(port, "tcp", "echo", null, null, null, null, null, null, null)))))
                .build();
        l4 = new L4Service(null);
        l4.start(config);
        client = new Socket("127.0.0.2", port);
        client.setSoTimeout(5000);
        client.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
        client.getInputStream().readNBytes(3);

        ObjectMapper json = new ObjectMapper();
        admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        admin.createContext("/api/v1/connections", ex -> {
            byte[] body;
            int status;
            if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body = "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                Map<String, Object> m = new LinkedHashMap<>();
                var counters = l4.backendCounters();
                m.put("active", counters.stream().mapToLong(c -> c.active()).sum());
                m.put("fin", counters.stream().mapToLong(c -> c.fin()).sum());
                m.put("completed", counters.stream().mapToLong(c -> c.completed()).sum());
                m.put("backends", counters);
                m.put("entries", l4.connections(100));
                status = 200;
                body = json.writeValueAsBytes(m);
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        admin.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        admin.stop(0);
        l4.close();
        backend.close();
    }

    private int run(Map<String, String> env, String... args) {
        CommandLine cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        ((ConnsCommand) cmd.getSubcommands().get("conns").getCommand()).env = env::get;
        return cmd.execute(args);
    }

    private String url() {
        return "http://127.0.0.1:" + admin.getAddress().getPort();
    }

    @Test
    void printsTheFlowsAndTheBackendCounters() {
        int code = run(Map.of(), "conns", "--server", url(), "--token", TOKEN);
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("SERVICE", "STATE", "COMPLETED");
        assertThat(text).containsPattern("svc\\s+127\\.0\\.0\\.2:\\d+\\s+tcp\\s+127\\.0\\.0\\.1:" + client.getLocalPort()
                + "\\s+echo/127\\.0\\.0\\.1:" + backend.port() + "\\s+ACTIVE");
        assertThat(text).containsPattern("svc\\s+echo\\s+127\\.0\\.0\\.1:" + backend.port() + "\\s+1\\s+0\\s+0");
        assertThat(text).contains("total: 1 active, 0 fin, 0 completed");
    }

    @Test
    void readsServerAndTokenFromTheEnvironmentAndPrintsRawJson() throws Exception {
        int code = run(Map.of("FULCRUM_ADMIN", url(), "FULCRUM_TOKEN", TOKEN), "conns", "--json");
        assertThat(code).as(err.toString()).isZero();
        var tree = new ObjectMapper().readTree(out.toString());
        assertThat(tree.path("entries").get(0).path("state").asText()).isEqualTo("ACTIVE");
        assertThat(tree.path("active").asLong()).isEqualTo(1);
    }

    @Test
    void aRefusedTokenIsAFailureWithTheStatus() {
        int code = run(Map.of(), "conns", "--server", url(), "--token", "wrong");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("401");
    }
}
