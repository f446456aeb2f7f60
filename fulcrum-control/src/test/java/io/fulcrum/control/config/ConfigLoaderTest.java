package io.fulcrum.control.config;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.ForwardedHeadersConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.balance.RingHashSettings;
import io.fulcrum.core.config.HashKeyConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.config.KeepAliveConfig;
import io.fulcrum.core.config.LimitsConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PassiveHealthConfig;
import io.fulcrum.core.config.QueueConfig;
import io.fulcrum.core.config.RetryConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.RouteMatch;
import io.fulcrum.core.config.ServerSettings;
import io.fulcrum.core.config.StickinessConfig;
import io.fulcrum.core.config.TimeoutsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.fulcrum.control.config.ConfigTestSupport.SOURCE;
import static io.fulcrum.control.config.ConfigTestSupport.errorsOf;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.warningsOf;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Reading YAML into the records: every field, defaults, types, syntax, and how errors are reported. */
class ConfigLoaderTest {

    /** Every field of every record set, none to its default. */
    static final String FULL = """
            server:
              eventLoopThreads: 4
              site: eu-west
              host: lb-7
              shutdownGrace: 30s
              stickyPurgeInterval: 2m
              ownSession: true
              transport: io_uring
              idleSpinPolls: 32
              packetCpu: 1
            accessLog:
              enabled: false
              format: json
              path: /var/log/fulcrum/access.log
            listeners:
              - name: public
                bind: "[::]:8443"
                protocol: http
                timeouts:
                  headerRead: 5s
                  idle: 2m
                  request: 1h
                limits:
                  maxRequestLineBytes: 4k
                  maxHeaderBytes: 65536
                  maxBodyBytes: 2g
                  maxConnections: 10000
                forwarded:
                  xForwarded: false
                  forwarded: true
                  via: true
                routes:
                  - name: api
                    match:
                      hosts: [api.example.com, "*.api.example.com"]
                      pathPrefix: /v1/
                      pathRegex: "/v1/(users|orders)/.*"
                      methods: [GET, POST]
                      headers:
                        x-tenant: acme
                        x-version: "~^2\\\\.[0-9]+$"
                    pool: api
                    stickiness:
                      enabled: true
                      mode: cookie
                      cookieName: SRV
                      timeout: 30m
            pools:
              - name: api
                algorithm:
                  ring-hash:
                    hashKey:
                      source: cookie
                      name: session
                    replicas: 40
                weightBound: 50
                connectTimeout: 750ms
                responseTimeout: 20s
                retries:
                  attempts: 3
                  onConnectFailure: false
                  onReset: false
                queue:
                  size: 0
                  timeout: 0s
                passiveHealth:
                  enabled: false
                  consecutiveFailures: 7
                  ejectTime: 1s
                  maxEjectTime: 1h
                  count5xx: true
                keepAlive:
                  enabled: false
                  maxIdlePerBackend: 12
                  idleTimeout: 15s
                backends:
                  - name: a1
                    address: 10.1.0.1:9000
                    weight: 0
                    maxConnections: 64
                    site: eu-west
                    host: node-1
                    labels:
                      rack: r1
                      tier: 1
                    state: draining
                  - name: a2
                    address: "[fd00::2]:9000"
                    weight: 50
                    state: backup
            """;

    @Test
    void aFullFileBindsEveryField() throws ConfigException {
        FulcrumConfig expected = FulcrumConfigBuilder.config()
                .server(new ServerSettings(4, "eu-west", "lb-7", Duration.ofSeconds(30), Duration.ofMinutes(2), true, "io_uring", 32, "1"))
                .accessLog(new AccessLogConfig(false, "json", "/var/log/fulcrum/access.log"))
                .listeners(List.of(ListenerConfigBuilder.listener("public", HostPort.of("::", 8443))
                        .protocol("http")
                        .timeouts(new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofHours(1)))
                        .limits(new LimitsConfig(4096, 65536, 2L * 1024 * 1024 * 1024, 10000))
                        .forwarded(new ForwardedHeadersConfig(false, true, true))
                        .routes(List.of(new RouteConfig("api",
                                new RouteMatch(List.of("api.example.com", "*.api.example.com"), "/v1/",
                                        "/v1/(users|orders)/.*", List.of("GET", "POST"),
                                        Map.of("x-tenant", "acme", "x-version", "~^2\\.[0-9]+$")),
                                "api",
                                new StickinessConfig(true, "cookie", "SRV", Duration.ofMinutes(30)))))
                        .build()))
                .pools(List.of(PoolConfigBuilder.pool("api")
                        .algorithm(new ExtensionConfig<>("ring-hash",
                                new RingHashSettings(new HashKeyConfig("cookie", "session"), 40)))
                        .weightBound(50)
                        .connectTimeout(Duration.ofMillis(750))
                        .responseTimeout(Duration.ofSeconds(20))
                        .retries(new RetryConfig(3, false, false, null))
                        .queue(new QueueConfig(0, Duration.ZERO))
                        .passiveHealth(new PassiveHealthConfig(false, 7, Duration.ofSeconds(1), Duration.ofHours(1), true))
                        .keepAlive(new KeepAliveConfig(false, 12, Duration.ofSeconds(15)))
                        .backends(List.of(new BackendConfig("a1", HostPort.parse("10.1.0.1:9000"), 0, 64, "eu-west", "node-1",
                                        Map.of("rack", "r1", "tier", "1"), "draining"),
                                new BackendConfig("a2", HostPort.parse("[fd00::2]:9000"), 50, null, null, null, null, "backup")))
                        .build()))
                .build();

        FulcrumConfig actual = ConfigLoader.parse(FULL, SOURCE);

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void fieldsLeftOutTakeTheRecordDefaults() throws ConfigException {
        FulcrumConfig c = ConfigLoader.parse("""
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    routes:
                      - name: all
                        pool: web
                pools:
                  - name: web
                    backends:
                      - address: 10.0.0.1:80
                """, SOURCE);

        assertThat(c.server().eventLoopThreads()).isZero();
        assertThat(c.server().shutdownGrace()).isEqualTo(ServerSettings.defaults().shutdownGrace());
        assertThat(c.accessLog()).isEqualTo(AccessLogConfig.defaults());
        ListenerConfig l = c.listeners().getFirst();
        assertThat(l).isEqualTo(ListenerConfigBuilder.listener("web", HostPort.parse("127.0.0.1:8080"))
                .routes(List.of(new RouteConfig("all", null, "web", null)))
                .build());
        assertThat(c.pools().getFirst()).isEqualTo(PoolConfigBuilder.pool("web")
                .backends(List.of(new BackendConfig(null, HostPort.parse("10.0.0.1:80"), 1, null, null, null, null, null)))
                .build());
        assertThat(c.pools().getFirst().backends().getFirst().name()).isEqualTo("10.0.0.1:80");
    }

    @Test
    void explicitNullsAndEmptySectionsMeanDefaults() throws ConfigException {
        FulcrumConfig c = ConfigLoader.parse("""
                server:
                accessLog: ~
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    timeouts: {}
                    routes:
                      - name: all
                        pool: web
                        match:
                pools:
                  - name: web
                    retries: null
                    backends:
                      - address: 10.0.0.1:80
                """, SOURCE);

        assertThat(c.listeners().getFirst().timeouts()).isEqualTo(TimeoutsConfig.defaults());
        assertThat(c.listeners().getFirst().routes().getFirst().match()).isEqualTo(RouteMatch.any());
        assertThat(c.pools().getFirst().retries()).isEqualTo(RetryConfig.defaults());
        assertThat(c.accessLog()).isEqualTo(AccessLogConfig.defaults());
    }

    @Test
    void sizesAcceptNumbersAndUnits() throws ConfigException {
        String yaml = with(FULL, "maxHeaderBytes: 65536", "maxHeaderBytes: 1m");
        yaml = with(yaml, "maxBodyBytes: 2g", "maxBodyBytes: 123");
        LimitsConfig limits = ConfigLoader.parse(yaml, SOURCE).listeners().getFirst().limits();
        assertThat(limits.maxRequestLineBytes()).isEqualTo(4096);
        assertThat(limits.maxHeaderBytes()).isEqualTo(1 << 20);
        assertThat(limits.maxBodyBytes()).isEqualTo(123L);
    }

    // ---- binding errors ---------------------------------------------------------------------------

    @Test
    void unknownFieldSuggestsTheClosestName() {
        String yaml = with(FULL, "      maxHeaderBytes: 65536", "      maxHeadersBytes: 65536");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("listeners[0].limits.maxHeadersBytes");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "maxHeadersBytes"));
        assertThat(e.column()).isEqualTo(7);
        assertThat(e.message()).isEqualTo("unknown field \"maxHeadersBytes\" (did you mean \"maxHeaderBytes\"?)");
    }

    @Test
    void unknownFieldInOtherCaseOrSnakeCaseIsRecognised() {
        String yaml = with(FULL, "consecutiveFailures: 7", "consecutive_failures: 7");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pools[0].passiveHealth.consecutive_failures");
        assertThat(e.message()).contains("did you mean \"consecutiveFailures\"?");
    }

    @Test
    void anUnknownTransportIsRefusedWithTheChoicesAndTheLine() {
        String yaml = with(FULL, "  transport: io_uring", "  transport: uring");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("server.transport");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "transport: uring"));
        assertThat(e.message()).startsWith("must be one of auto, epoll, io_uring, nio (got \"uring\")")
                .contains("did you mean \"io_uring\"?");
    }

    @Test
    void aNegativeOrHugeSpinCountIsRefusedWithTheLine() {
        for (String bad : List.of("-1", "100001")) {
            String yaml = with(FULL, "  idleSpinPolls: 32", "  idleSpinPolls: " + bad);
            ConfigError e = onlyError(yaml);
            assertThat(e.path()).isEqualTo("server.idleSpinPolls");
            assertThat(e.line()).isEqualTo(lineOf(yaml, "idleSpinPolls: " + bad));
            assertThat(e.message()).contains("between 0 and 10000");
        }
    }

    @Test
    void aPacketCpuThatIsNoCpuNumberIsRefusedAtTheField() {
        for (String bad : List.of("two", "-1", "1024", "0-1", "\"\"")) {
            String yaml = with(FULL, "  packetCpu: 1", "  packetCpu: " + bad);
            ConfigError e = onlyError(yaml);
            assertThat(e.path()).isEqualTo("server.packetCpu");
            assertThat(e.line()).isEqualTo(lineOf(yaml, "packetCpu: " + bad));
            assertThat(e.message()).startsWith("must be auto, none or a CPU number 0..1023 (got ");
        }
    }

    @Test
    void aPacketCpuMayBeAutoNoneOrANumber() throws ConfigException {
        for (String ok : List.of("auto", "none", "0", "1023")) {
            FulcrumConfig c = ConfigLoader.parse(with(FULL, "  packetCpu: 1", "  packetCpu: " + ok), SOURCE);
            assertThat(c.server().packetCpu()).isEqualTo(ok);
        }
        FulcrumConfig absent = ConfigLoader.parse(with(FULL, "  packetCpu: 1\n", ""), SOURCE);
        assertThat(absent.server().packetCpu()).as("absent: left to FULCRUM_PACKET_CPU").isNull();
    }

    @Test
    void unknownFieldWithNothingCloseListsTheValidFields() {
        String yaml = with(FULL, "  stickyPurgeInterval: 2m", "  stickyPurgeInterval: 2m\n  colour: blue");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("server.colour");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "colour"));
        assertThat(e.message()).isEqualTo("unknown field \"colour\"; valid fields: eventLoopThreads, site, host, "
                + "shutdownGrace, stickyPurgeInterval, ownSession, transport, idleSpinPolls, packetCpu");
    }

    @Test
    void aFieldWrittenOneLevelTooHighPointsToWhereItBelongs() {
        String yaml = with(FULL, "        pool: api\n", "        pool: api\n        pathPrefix: /x\n");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("listeners[0].routes[0].pathPrefix");
        assertThat(e.message()).contains("under \"match\", as match.pathPrefix");
    }

    @Test
    void unknownTopLevelField() {
        String yaml = "pool:\n  - name: x\n" + FULL;
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pool");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(1);
        assertThat(e.message()).contains("did you mean \"pools\"?");
    }

    @Test
    void wrongTypesNameTheExpectedType() {
        String yaml = with(FULL, "eventLoopThreads: 4", "eventLoopThreads: four");
        yaml = with(yaml, "  enabled: false\n  format: json", "  enabled: nope\n  format: [json]");
        yaml = with(yaml, "    routes:\n", "    routes: many\n    x-routes:\n");
        List<ConfigError> errors = errorsOf(yaml);
        assertThat(errors).extracting(ConfigError::path).containsExactly(
                "server.eventLoopThreads", "accessLog.enabled", "accessLog.format",
                "listeners[0].routes", "listeners[0].x-routes");
        assertThat(errors.get(0).message()).isEqualTo("expected a whole number, got the string \"four\"");
        assertThat(errors.get(0).line()).isEqualTo(lineOf(yaml, "four"));
        assertThat(errors.get(0).column()).isEqualTo(21);
        assertThat(errors.get(1).message()).isEqualTo("expected true or false, got the string \"nope\"");
        assertThat(errors.get(2).message()).isEqualTo("expected a string, got a list");
        assertThat(errors.get(3).message()).isEqualTo("expected a list, got the string \"many\"");
    }

    @Test
    void aQuotedNumberIsRefusedWithAHint() {
        String yaml = with(FULL, "weight: 50", "weight: \"50\"");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pools[0].backends[1].weight");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "weight: \"50\""));
        assertThat(e.message()).isEqualTo("expected a whole number, got the string \"50\" (remove the quotes)");
    }

    @Test
    void numbersOutOfRangeAndFractionsAreRefused() {
        String yaml = with(FULL, "maxConnections: 64", "maxConnections: 99999999999");
        yaml = with(yaml, "replicas: 40", "replicas: 1.5");
        List<ConfigError> errors = errorsOf(yaml);
        assertThat(errors).extracting(ConfigError::message).containsExactly(
                "expected a whole number, got 1.5",
                "too large: at most 2147483647 (got 99999999999)");
    }

    @Test
    void aRecordWhereAValueIsExpectedAndViceVersa() {
        String yaml = with(FULL, "    forwarded:\n      xForwarded: false\n      forwarded: true\n      via: true\n",
                "    forwarded: yes\n");
        yaml = with(yaml, "      tier: 1\n", "      tier: [1]\n");
        List<ConfigError> errors = errorsOf(yaml);
        assertThat(errors).extracting(ConfigError::path)
                .containsExactly("listeners[0].forwarded", "pools[0].backends[0].labels.tier");
        assertThat(errors.get(0).message())
                .isEqualTo("expected a mapping with the fields xForwarded, forwarded, via, requestId, got the boolean yes");
        assertThat(errors.get(1).message()).isEqualTo("expected a value (a string), got a list");
    }

    @Test
    void aBareNumberDurationAsksForAUnit() {
        String yaml = with(FULL, "shutdownGrace: 30s", "shutdownGrace: 30");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("server.shutdownGrace");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "shutdownGrace"));
        assertThat(e.column()).isEqualTo(18);
        assertThat(e.message()).startsWith("a duration needs a unit: write 30s or 30ms");
    }

    @Test
    void malformedDurationsAndSizesAreReportedWhereWritten() {
        String yaml = with(FULL, "connectTimeout: 750ms", "connectTimeout: 750 millis");
        yaml = with(yaml, "maxRequestLineBytes: 4k", "maxRequestLineBytes: 4 kilo");
        yaml = with(yaml, "maxHeaderBytes: 65536", "maxHeaderBytes: 4g");
        List<ConfigError> errors = errorsOf(yaml);
        assertThat(errors).extracting(ConfigError::path).containsExactly(
                "listeners[0].limits.maxRequestLineBytes", "listeners[0].limits.maxHeaderBytes",
                "pools[0].connectTimeout");
        assertThat(errors.get(0).message()).startsWith("not a byte size: \"4 kilo\"");
        assertThat(errors.get(1).message()).isEqualTo("too large: at most 2147483647 bytes (got 4294967296)");
        assertThat(errors.get(2).message()).startsWith("not a duration: \"750 millis\"");
        assertThat(errors.get(2).line()).isEqualTo(lineOf(yaml, "750 millis"));
    }

    @Test
    void duplicateKeysAreRefused() {
        String yaml = with(FULL, "  host: lb-7\n", "  host: lb-7\n  site: us-east\n");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("server.site");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "us-east"));
        assertThat(e.message()).isEqualTo("duplicate key \"site\" (first written at line " + (lineOf(yaml, "lb-7") - 1) + ")");
    }

    @Test
    void aBadListEntryKeepsTheIndexesOfTheOthers() {
        String yaml = with(FULL, "      - name: a2\n", "      - 10.0.0.9:80\n      -\n      - name: a2\n");
        yaml = with(yaml, "weight: 50", "weight: -1");
        List<ConfigError> errors = errorsOf(yaml);
        assertThat(errors).extracting(ConfigError::path).containsExactly(
                "pools[0].backends[1]", "pools[0].backends[2]", "pools[0].backends[3].weight");
        assertThat(errors.get(0).message()).startsWith("expected a mapping with the fields name, address,");
        assertThat(errors.get(1).message()).isEqualTo("empty list entry");
    }

    @Test
    void aValueThatFailedToBindIsNotReportedAgainBySemanticRules() {
        // The pool name fails to bind, so it is absent: "required" and "no pool named" would only repeat that.
        String yaml = with(FULL, "  - name: api\n    algorithm", "  - name: [api]\n    algorithm");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pools[0].name");
        assertThat(e.message()).isEqualTo("expected a string, got a list");
    }

    // ---- whole-file problems ----------------------------------------------------------------------

    @Test
    void anEmptyFileIsAClearError() {
        for (String empty : List.of("", "\n\n", "# only a comment\n", "---\n")) {
            ConfigError e = onlyError(empty);
            assertThat(e.path()).isEmpty();
            assertThat(e.message()).startsWith("the configuration is empty");
        }
    }

    @Test
    void aTopLevelThatIsNotAMappingIsAClearError() {
        ConfigError list = onlyError("- a\n- b\n");
        assertThat(list.line()).isEqualTo(1);
        assertThat(list.message()).isEqualTo(
                "the top level must be a mapping with the fields server, accessLog, listeners, pools, l4Timeouts, virtualServices, gslb, dns, admin, store, cluster, controller, stickyPeers, got a list");
        assertThat(onlyError("just text\n").message()).endsWith("got the string \"just text\"");
    }

    @Test
    void yamlSyntaxErrorsGiveTheLine() {
        ConfigError e = onlyError("server:\n  site: a: b\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(10);
        assertThat(e.message()).isEqualTo("YAML syntax: mapping values are not allowed here");

        ConfigError tab = onlyError("server:\n\tsite: a\n");
        assertThat(tab.line()).isEqualTo(2);
        assertThat(tab.message()).contains("tab");

        ConfigError unclosed = onlyError("listeners: [a, b\npools: []\n");
        assertThat(unclosed.line()).isEqualTo(2);
        assertThat(unclosed.message()).contains("while parsing a flow sequence that starts at line 1, column 12");

        ConfigError complexKey = onlyError("? [a, b]\n: c\n");
        assertThat(complexKey.message()).contains("mapping keys must be plain values");
    }

    @Test
    void aSecondDocumentIsRefused() {
        ConfigError e = onlyError(FULL + "---\nserver: {}\n");
        assertThat(e.line()).isEqualTo(lineOf(FULL, "state: backup") + 2);
        assertThat(e.message()).contains("a second YAML document");
    }

    @Test
    void aliasesAreRefused() {
        ConfigError e = onlyError("server:\n  site: &s dc1\n  host: *s\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.message()).startsWith("YAML aliases (*s) are not supported");
    }

    @Test
    void allProblemsAreReportedTogetherInFileOrder() {
        String yaml = with(FULL, "eventLoopThreads: 4", "eventLoopThreads: 999");
        yaml = with(yaml, "  format: json", "  formt: json");
        yaml = with(yaml, "    pool: api", "    pool: apii");
        yaml = with(yaml, "connectTimeout: 750ms", "connectTimeout: 750");
        yaml = with(yaml, "weight: 50", "weight: 51");
        String edge = yaml;
        ConfigException ex = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(edge, "edge.yaml"));

        assertThat(ex.errors()).extracting(ConfigError::path).containsExactly(
                "server.eventLoopThreads",
                "accessLog.formt",
                "listeners[0].routes[0].pool",
                "pools[0].connectTimeout",
                "pools[0].backends[1].weight");
        assertThat(ex.getMessage()).isEqualTo(String.join("\n",
                "edge.yaml:2:21: server.eventLoopThreads: must be between 0 and 256 (got 999); 0 means one per core",
                "edge.yaml:" + lineOf(yaml, "formt: json") + ":3: accessLog.formt: unknown field \"formt\" (did you mean \"format\"?)",
                "edge.yaml:" + lineOf(yaml, "pool: apii")
                        + ":15: listeners[0].routes[0].pool: no pool named \"apii\" (did you mean \"api\"?)",
                "edge.yaml:" + lineOf(yaml, "connectTimeout")
                        + ":21: pools[0].connectTimeout: a duration needs a unit: write 750s or 750ms, for example "
                        + "(units: ms, s, m, h, d; got 750)",
                "edge.yaml:" + lineOf(yaml, "weight: 51")
                        + ":17: pools[0].backends[1].weight: must be at most 50, the pool's weightBound (got 51); "
                        + "lower the weight or raise weightBound"));
    }

    // ---- files ------------------------------------------------------------------------------------

    @Test
    void loadsAFileAndNamesItInErrors(@TempDir Path dir) throws IOException, ConfigException {
        Path good = Files.writeString(dir.resolve("good.yaml"), FULL);
        assertThat(ConfigLoader.load(good)).isEqualTo(ConfigLoader.parse(FULL, SOURCE));

        Path bad = Files.writeString(dir.resolve("bad.yaml"), with(FULL, "weight: 50", "weight: -3"));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(bad));
        assertThat(e.getMessage()).isEqualTo(bad + ":" + lineOf(FULL, "weight: 50")
                + ":17: pools[0].backends[1].weight: must be >= 0 (got -3)");
    }

    @Test
    void unreadableFilesAreClearErrors(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.yaml");
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(missing)).getMessage())
                .isEqualTo(missing + ": no such file");
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir)).getMessage())
                .isEqualTo(dir + ": is a directory, not a file");
        Path binary = Files.write(dir.resolve("binary.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(binary)).getMessage())
                .isEqualTo(binary + ": not UTF-8 text");
    }

    @Test
    void aByteOrderMarkIsIgnored(@TempDir Path dir) throws IOException, ConfigException {
        Path bom = Files.write(dir.resolve("bom.yaml"), ("\uFEFF" + FULL).getBytes(StandardCharsets.UTF_8));
        assertThat(ConfigLoader.load(bom)).isEqualTo(ConfigLoader.parse(FULL, SOURCE));
    }

    @Test
    void warningsComeWithTheConfiguration() throws ConfigException {
        String yaml = FULL + """
                  - name: spare
                    backends:
                      - address: 10.9.0.1:80
                """;
        LoadedConfig loaded = ConfigLoader.parseWithWarnings(yaml, SOURCE);
        assertThat(loaded.config().pools()).hasSize(2);
        assertThat(loaded.warnings()).containsExactly(new ConfigError("pools[1].name", lineOf(yaml, "name: spare"),
                11, "pool \"spare\" is not used by any route"));
        assertThat(warningsOf(FULL)).isEmpty();
    }
}
