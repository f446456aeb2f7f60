package io.fulcrum.control.config;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.balance.BalancerRegistry;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.RouteConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.TreeSet;

import static io.fulcrum.control.config.ConfigTestSupport.errorsOf;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.warningsOf;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test (at least) per semantic rule. Each changes one line of a valid configuration
 * and checks the path, the line (found by searching the text) and the message.
 */
class ConfigValidatorTest {

    static final String BASE = """
            server:
              eventLoopThreads: 2
              shutdownGrace: 5s
              stickyPurgeInterval: 10s
            accessLog:
              format: text
              path: stdout
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                protocol: http
                timeouts:
                  headerRead: 10s
                  idle: 60s
                  request: 60s
                limits:
                  maxRequestLineBytes: 8k
                  maxHeaderBytes: 16k
                  maxBodyBytes: 1m
                  maxConnections: 100
                routes:
                  - name: api
                    match:
                      hosts: [api.example.com, "*.api.example.com"]
                      pathPrefix: /api/
                      pathRegex: "/api/v[0-9]+/.*"
                      methods: [GET, POST]
                      headers:
                        x-env: prod
                        x-version: "~^[0-9]+$"
                    pool: api
                    stickiness:
                      enabled: true
                      mode: source
                      cookieName: SESSION
                      timeout: 1h
                  - name: default
                    pool: web
            pools:
              - name: web
                algorithm: round-robin
                weightBound: 10
                connectTimeout: 1s
                responseTimeout: 0s
                retries:
                  attempts: 2
                queue:
                  size: 10
                  timeout: 1s
                passiveHealth:
                  consecutiveFailures: 3
                  ejectTime: 10s
                  maxEjectTime: 1m
                keepAlive:
                  maxIdlePerBackend: 8
                  idleTimeout: 30s
                backends:
                  - name: w1
                    address: 10.0.0.1:80
                    weight: 1
                    maxConnections: 10
                    state: up
                  - name: w2
                    address: web-2.internal:80
                    weight: 2
              - name: api
                algorithm:
                  maglev:
                    hashKey:
                      source: client-ip
                backends:
                  - address: 10.0.1.1:80
                  - address: 10.0.1.2:80
            """;

    /** The single error after replacing {@code original} by {@code replacement}; checks its path and line. */
    private static ConfigError errorAfter(String original, String replacement, String path, String lineMarker) {
        String yaml = with(BASE, original, replacement);
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo(path);
        assertThat(e.line()).as("line of %s", path).isEqualTo(lineOf(yaml, lineMarker));
        return e;
    }

    @Test
    void theBaseConfigurationIsValidWithoutWarnings() {
        assertThat(warningsOf(BASE)).isEmpty();
    }

    // ---- server and access log --------------------------------------------------------------------

    @Test
    void eventLoopThreadsBetween0And256() {
        ConfigError e = errorAfter("eventLoopThreads: 2", "eventLoopThreads: 257", "server.eventLoopThreads",
                "eventLoopThreads");
        assertThat(e.message()).isEqualTo("must be between 0 and 256 (got 257); 0 means one per core");
        assertThat(e.column()).isEqualTo(21);
        errorAfter("eventLoopThreads: 2", "eventLoopThreads: -1", "server.eventLoopThreads", "eventLoopThreads");
    }

    @Test
    void serverDurations() {
        assertThat(errorAfter("shutdownGrace: 5s", "shutdownGrace: -5s", "server.shutdownGrace", "shutdownGrace")
                .message()).isEqualTo("must not be negative (got -5s); 0s turns it off");
        assertThat(errorAfter("stickyPurgeInterval: 10s", "stickyPurgeInterval: 0s", "server.stickyPurgeInterval",
                "stickyPurgeInterval").message()).isEqualTo("must be longer than 0 (got 0s)");
    }

    @Test
    void accessLogFormatIsTextOrJson() {
        ConfigError e = errorAfter("format: text", "format: jsn", "accessLog.format", "format: jsn");
        assertThat(e.message()).isEqualTo("must be one of json, text (got \"jsn\") (did you mean \"json\"?)");
        assertThat(errorAfter("path: stdout", "path: \"\"", "accessLog.path", "path: \"\"").message())
                .isEqualTo("must not be empty: write stdout or a file path");
    }

    // ---- listeners --------------------------------------------------------------------------------

    @Test
    void atLeastOneListener() {
        String yaml = """
                listeners: []
                pools:
                  - name: web
                    backends:
                      - address: 10.0.0.1:80
                """;
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("listeners");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.message()).isEqualTo("at least one listener is required (or a virtual service, or dns.listen)");

        ConfigError missing = onlyError(yaml.replace("listeners: []\n", ""));
        assertThat(missing.path()).isEqualTo("listeners");
        assertThat(missing.message()).isEqualTo("at least one listener is required (or a virtual service, or dns.listen)");
    }

    @Test
    void atLeastOnePool() {
        ConfigError e = onlyError("""
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                """);
        assertThat(e.path()).isEqualTo("pools");
        assertThat(e.message()).startsWith("at least one pool is required");
    }

    @Test
    void listenerNamesAreRequiredAndUnique() {
        String second = "  - name: web\n    bind: 127.0.0.1:8081\n    routes: [{name: r, pool: web}]\npools:\n";
        ConfigError e = errorAfter("pools:\n", second, "listeners[1].name", "  - name: web\n    bind: 127.0.0.1:8081");
        assertThat(e.message()).isEqualTo("duplicate listener name \"web\" (also at listeners[0].name, line 9)");

        ConfigError missing = errorAfter("  - name: web\n    bind", "  - bind", "listeners[0].name", "bind: 127");
        assertThat(missing.message()).isEqualTo("required: every listener needs a name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "127.0.0.1:0         | the port must be between 1 and 65535 (got 0)",
            "127.0.0.1:65536     | the port must be between 1 and 65535 (got 65536)",
            "127.0.0.1:http      | the port must be a number between 1 and 65535 (got \"127.0.0.1:http\")",
            "127.0.0.1           | missing port: write host:port, e.g. 0.0.0.0:8080 (got \"127.0.0.1\")",
            "'::1:8080'          | an IPv6 address needs brackets: write [::1]:8080 (got \"::1:8080\")",
            "'[::1]'             | missing port: write host:port, e.g. [::1]:8080 (got \"[::1]\")",
            "'[::1:8080'         | missing ] after the IPv6 address (got \"[::1:8080\"); write e.g. [::1]:8080",
            "'[zz::1]:8080'      | invalid IPv6 address \"zz::1\" (got \"[zz::1]:8080\")",
            "300.1.2.3:80        | not a valid IPv4 address (got \"300.1.2.3:80\")",
            "':8080'             | a host is required: write 0.0.0.0:8080 for every IPv4 interface, or [::]:8080 for every interface (got \":8080\")",
            "'*:8080'            | a host is required: write 0.0.0.0:8080 for every IPv4 interface, or [::]:8080 for every interface (got \"*:8080\")",
            "bad_-host-:80       | invalid label \"bad_-host-\" (letters, digits, - and _, not starting or ending with -) (got \"bad_-host-:80\")",
    })
    void bindIsHostColonPort(String bind, String message) {
        ConfigError e = errorAfter("bind: 127.0.0.1:8080", "bind: " + bind, "listeners[0].bind", "bind:");
        assertThat(e.message()).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0:80", "localhost:65535", "'[::]:8080'", "'[::1]:1'",
            "'[fe80::1%1]:8080'", "my-host.example.com:443"})
    void validBinds(String bind) {
        assertThat(warningsOf(with(BASE, "bind: 127.0.0.1:8080", "bind: " + bind))).isEmpty();
    }

    @Test
    void twoListenersCannotShareABind() {
        String second = "  - name: other\n    bind: 127.0.0.1:8080\n    routes: [{name: r, pool: web}]\npools:\n";
        ConfigError e = errorAfter("pools:\n", second, "listeners[1].bind", "bind: 127.0.0.1:8080\n    routes: [");
        assertThat(e.message()).isEqualTo("same address as listeners[0].bind (127.0.0.1:8080) at line 10; "
                + "two listeners cannot share an address");

        String wildcard = second.replace("127.0.0.1:8080", "0.0.0.0:8080");
        ConfigError w = errorAfter("pools:\n", wildcard, "listeners[1].bind", "0.0.0.0:8080");
        assertThat(w.message()).isEqualTo("conflicts with listeners[0].bind (127.0.0.1:8080) at line 10: "
                + "a wildcard address takes port 8080 on every interface");

        String otherPort = second.replace("127.0.0.1:8080", "0.0.0.0:8081");
        assertThat(warningsOf(with(BASE, "pools:\n", otherPort))).isEmpty();
    }

    @Test
    void protocolIsHttp() {
        ConfigError e = errorAfter("protocol: http", "protocol: https", "listeners[0].protocol", "protocol");
        assertThat(e.message()).isEqualTo("unsupported protocol \"https\"; supported: http");
    }

    @Test
    void listenerTimeoutsAndLimitsAreNotNegative() {
        assertThat(errorAfter("idle: 60s", "idle: -1s", "listeners[0].timeouts.idle", "idle:").message())
                .isEqualTo("must not be negative (got -1s); 0s turns it off");
        assertThat(errorAfter("maxBodyBytes: 1m", "maxBodyBytes: -1", "listeners[0].limits.maxBodyBytes",
                "maxBodyBytes").message()).isEqualTo("must be >= 0 (got -1)");
        assertThat(errorAfter("maxHeaderBytes: 16k", "maxHeaderBytes: 0", "listeners[0].limits.maxHeaderBytes",
                "maxHeaderBytes").message()).isEqualTo("must be >= 1 (got 0)");
        assertThat(errorAfter("maxConnections: 100", "maxConnections: -2", "listeners[0].limits.maxConnections",
                "maxConnections: -2").message()).isEqualTo("must be >= 0 (got -2)");
        assertThat(warningsOf(with(BASE, "headerRead: 10s", "headerRead: 0s"))).isEmpty();
    }

    // ---- routes -----------------------------------------------------------------------------------

    @Test
    void everyRoutePoolExists() {
        ConfigError e = errorAfter("pool: api\n", "pool: apu\n", "listeners[0].routes[0].pool", "pool: apu");
        assertThat(e.message()).isEqualTo("no pool named \"apu\" (did you mean \"api\"?)");
        assertThat(e.column()).isEqualTo(15);

        ConfigError far = errorAfter("pool: api\n", "pool: images\n", "listeners[0].routes[0].pool", "images");
        assertThat(far.message()).isEqualTo("no pool named \"images\"; pools: api, web");

        ConfigError missing = errorAfter("        pool: api\n", "", "listeners[0].routes[0].pool", "      - name: api");
        assertThat(missing.message()).isEqualTo("required: the name of the pool that serves this route");
    }

    @Test
    void routeNamesAreRequiredAndUniquePerListener() {
        ConfigError e = errorAfter("- name: default", "- name: api", "listeners[0].routes[1].name",
                "- name: api\n        pool: web");
        assertThat(e.message()).isEqualTo("duplicate route name \"api\" in this listener "
                + "(also at listeners[0].routes[0].name, line " + lineOf(BASE, "      - name: api") + ")");

        ConfigError missing = errorAfter("      - name: default\n        pool", "      - pool",
                "listeners[0].routes[1].name", "- pool: web");
        assertThat(missing.message()).startsWith("required: every route needs a name");
    }

    @Test
    void sameRouteNameInTwoListenersIsFine() {
        String second = "  - name: other\n    bind: 127.0.0.1:8081\n    routes: [{name: api, pool: web}]\npools:\n";
        assertThat(warningsOf(with(BASE, "pools:\n", second))).isEmpty();
    }

    @Test
    void pathPrefixStartsWithSlash() {
        ConfigError e = errorAfter("pathPrefix: /api/", "pathPrefix: api/", "listeners[0].routes[0].match.pathPrefix",
                "pathPrefix");
        assertThat(e.message()).isEqualTo("must start with / (got \"api/\")");
    }

    @Test
    void pathRegexCompiles() {
        ConfigError e = errorAfter("pathRegex: \"/api/v[0-9]+/.*\"", "pathRegex: \"/api/(v1\"",
                "listeners[0].routes[0].match.pathRegex", "pathRegex");
        assertThat(e.message()).isEqualTo("invalid regular expression \"/api/(v1\": Unclosed group near index 8");
    }

    @Test
    void methodsAreTokens() {
        ConfigError e = errorAfter("methods: [GET, POST]", "methods: [GET, \"PO ST\"]",
                "listeners[0].routes[0].match.methods[1]", "methods");
        assertThat(e.message()).isEqualTo("not a valid HTTP method name (got \"PO ST\")");
        assertThat(warningsOf(with(BASE, "methods: [GET, POST]", "methods: [GET, PURGE, M-SEARCH]"))).isEmpty();
    }

    @Test
    void methodsInLowerCaseAreAccepted() {
        // The router compares methods in upper case.
        assertThat(warningsOf(with(BASE, "methods: [GET, POST]", "methods: [get, Post]"))).isEmpty();
    }

    @Test
    void headerRegexValuesCompileAndHeaderNamesAreTokens() {
        ConfigError e = errorAfter("x-version: \"~^[0-9]+$\"", "x-version: \"~^[0-9+$\"",
                "listeners[0].routes[0].match.headers.x-version", "x-version");
        assertThat(e.message()).startsWith("invalid regular expression \"^[0-9+$\": Unclosed character class");

        ConfigError name = errorAfter("x-env: prod", "\"x env\": prod",
                "listeners[0].routes[0].match.headers[\"x env\"]", "x env");
        assertThat(name.message()).isEqualTo("not a valid header name (got \"x env\")");

        assertThat(warningsOf(with(BASE, "x-env: prod", "x-env: \"[not a regex\""))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo.*.example.com  | invalid host pattern \"foo.*.example.com\": a wildcard is only allowed as the whole first label, as in *.example.com",
            "*example.com       | invalid host pattern \"*example.com\": a wildcard is only allowed as the whole first label, as in *.example.com",
            "*                  | \"*\" alone is not a host pattern: leave hosts out to match any host, or write *.example.com",
            "example.com:8080   | invalid host pattern \"example.com:8080\": write the host name without a port",
            "exa mple.com       | invalid host pattern \"exa mple.com\": invalid label \"exa mple\" (letters, digits, - and _, not starting or ending with -)",
            "example..com       | invalid host pattern \"example..com\": empty label in host name",
            "[zz::1]            | invalid IPv6 address \"[zz::1]\"",
    })
    void hostPatternsAreValid(String host, String message) {
        ConfigError e = errorAfter("hosts: [api.example.com, ", "hosts: [\"" + host + "\", ",
                "listeners[0].routes[0].match.hosts[0]", "hosts:");
        assertThat(e.message()).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "10.1.2.3", "[::1]", "*.example.com", "EXAMPLE.com", "a_b.example.com"})
    void validHostPatterns(String host) {
        assertThat(warningsOf(with(BASE, "hosts: [api.example.com, ", "hosts: [\"" + host + "\", "))).isEmpty();
    }

    @Test
    void stickinessModeAndTimeout() {
        ConfigError mode = errorAfter("mode: source", "mode: ip", "listeners[0].routes[0].stickiness.mode", "mode:");
        assertThat(mode.message()).isEqualTo("must be one of cookie, source (got \"ip\")");

        ConfigError timeout = errorAfter("timeout: 1h", "timeout: 0s", "listeners[0].routes[0].stickiness.timeout",
                "timeout: 0s");
        assertThat(timeout.message()).isEqualTo("must be longer than 0 (got 0s)");

        ConfigError cookie = errorAfter("mode: source\n          cookieName: SESSION",
                "mode: cookie\n          cookieName: \"my cookie\"",
                "listeners[0].routes[0].stickiness.cookieName", "cookieName");
        assertThat(cookie.message()).isEqualTo("not a valid cookie name (got \"my cookie\")");
    }

    @Test
    void aRouteAfterACatchAllIsAWarning() {
        String third = "        pool: web\n      - name: late\n        match: {pathPrefix: /late}\n        pool: web\n";
        String yaml = with(BASE, "        pool: web\n", third);
        assertThat(warningsOf(yaml)).containsExactly(new ConfigError("listeners[0].routes[2]",
                lineOf(yaml, "name: late"), 9, "this route is never used: listeners[0].routes[1] at line "
                + lineOf(yaml, "name: default") + " comes first and matches every request"));
    }

    @Test
    void aListenerWithoutRoutesIsAWarning() {
        String second = "  - name: other\n    bind: 127.0.0.1:8081\npools:\n";
        String yaml = with(BASE, "pools:\n", second);
        assertThat(warningsOf(yaml)).extracting(ConfigError::path, ConfigError::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("listeners[1].routes",
                        "listener has no routes: every request gets 404"));
    }

    // ---- pools ------------------------------------------------------------------------------------

    @Test
    void poolNamesAreRequiredAndUnique() {
        String yaml = BASE + "  - name: web\n    backends:\n      - address: 10.9.9.9:80\n";
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pools[2].name");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "10.9.9.9") - 2);
        assertThat(e.message()).isEqualTo("duplicate pool name \"web\" (also at pools[0].name, line "
                + lineOf(BASE, "  - name: web\n    algorithm") + ")");

        ConfigError missing = onlyError(BASE + "  - algorithm: random\n    backends:\n      - address: 10.9.9.9:80\n");
        assertThat(missing.path()).isEqualTo("pools[2].name");
        assertThat(missing.message()).isEqualTo("required: every pool needs a name");
    }

    @Test
    void algorithmIsARegisteredName() {
        ConfigError e = errorAfter("algorithm: round-robin", "algorithm: fastest", "pools[0].algorithm",
                "fastest");
        assertThat(e.message()).isEqualTo("unknown balancing algorithm \"fastest\"; known: "
                + String.join(", ", BalancerRegistry.names()));
        assertThat(e.message()).contains("round-robin", "weighted-round-robin", "maglev", "ring-hash",
                "locality-weighted-round-robin");

        ConfigError typo = errorAfter("algorithm: round-robin", "algorithm: round_robin", "pools[0].algorithm",
                "round_robin");
        assertThat(typo.message()).startsWith(
                "unknown balancing algorithm \"round_robin\" (did you mean \"round-robin\"?); known: ");
        ConfigError prefix = errorAfter("algorithm: round-robin", "algorithm: least-conn", "pools[0].algorithm",
                "least-conn");
        assertThat(prefix.message()).startsWith(
                "unknown balancing algorithm \"least-conn\" (did you mean \"least-connections\"?)");
        ConfigError nested = errorAfter("algorithm: round-robin", "algorithm:\n      fastest: {}",
                "pools[0].algorithm", "fastest: {}");
        assertThat(nested.message()).startsWith("unknown balancing algorithm \"fastest\"; known: ");
        ConfigError two = errorAfter("algorithm: round-robin", "algorithm: {maglev: {}, ring-hash: {}}",
                "pools[0].algorithm", "algorithm: {");
        assertThat(two.message()).startsWith("expected the name of a balancing algorithm (");
    }

    @Test
    void everyRegisteredAlgorithmIsAcceptedAsANameAndWithItsSettingsNested() {
        for (String name : BalancerRegistry.names()) {
            assertThat(warningsOf(with(BASE, "algorithm: round-robin", "algorithm: " + name))).isEmpty();
            assertThat(warningsOf(with(BASE, "algorithm: round-robin", "algorithm:\n      " + name + ":"))).isEmpty();
            assertThat(warningsOf(with(BASE, "algorithm: round-robin", "algorithm: {" + name + ": {}}"))).isEmpty();
        }
    }

    @Test
    void aSettingTheAlgorithmDoesNotHaveIsRefusedAtItsLine() {
        ConfigError e = errorAfter("algorithm: round-robin", "algorithm:\n      round-robin:\n        tableSize: 7",
                "pools[0].algorithm.round-robin.tableSize", "tableSize: 7");
        assertThat(e.message()).startsWith("unknown field \"tableSize\"");
    }

    @Test
    void hashKeySourceAndName() {
        ConfigError source = errorAfter("source: client-ip", "source: ip", "pools[1].algorithm.maglev.hashKey.source",
                "source: ip");
        assertThat(source.message()).isEqualTo("must be one of client-ip, header, cookie (got \"ip\")");

        ConfigError header = errorAfter("source: client-ip", "source: header", "pools[1].algorithm.maglev.hashKey.name",
                "hashKey:");
        assertThat(header.message()).isEqualTo("required when source is header: the header name to hash");

        ConfigError cookie = errorAfter("source: client-ip", "source: cookie\n          name: \"a b\"",
                "pools[1].algorithm.maglev.hashKey.name", "a b");
        assertThat(cookie.message()).isEqualTo("not a valid cookie name (got \"a b\")");
    }

    @Test
    void weightBoundAtLeastOne() {
        ConfigError e = errorAfter("weightBound: 10", "weightBound: 0", "pools[0].weightBound", "weightBound");
        assertThat(e.message()).isEqualTo("must be >= 1 (got 0)");
    }

    private static final String MAGLEV_KEY = "          source: client-ip\n";

    private static String maglevTable(String size) {
        return MAGLEV_KEY + "        tableSize: " + size + "\n";
    }

    @Test
    void maglevTableSizeIsAPrimeLargerThanTheBackendCount() {
        ConfigError notPrime = errorAfter(MAGLEV_KEY, maglevTable("65536"), "pools[1].algorithm.maglev.tableSize",
                "tableSize");
        assertThat(notPrime.message()).isEqualTo("must be a prime number (got 65536; 65537 is a good choice)");

        ConfigError small = errorAfter(MAGLEV_KEY, maglevTable("1"), "pools[1].algorithm.maglev.tableSize",
                "tableSize");
        assertThat(small.message()).isEqualTo("must be a prime between 3 and 16777216 (got 1; 65537 is a good choice)");

        String yaml = with(BASE, MAGLEV_KEY, maglevTable("3"));
        yaml = with(yaml, "      - address: 10.0.1.2:80\n", "      - address: 10.0.1.2:80\n      - address: 10.0.1.3:80\n");
        ConfigError fewer = onlyError(yaml);
        assertThat(fewer.path()).isEqualTo("pools[1].algorithm.maglev.tableSize");
        assertThat(fewer.line()).isEqualTo(lineOf(yaml, "tableSize: 3"));
        assertThat(fewer.message()).isEqualTo("must be larger than the number of backends, 3 (got 3; 65537 is a good choice)");
    }

    @Test
    void aSmallMaglevTableIsAWarning() {
        String yaml = with(BASE, MAGLEV_KEY, maglevTable("101"));
        assertThat(warningsOf(yaml)).extracting(ConfigError::path).containsExactly("pools[1].algorithm.maglev.tableSize");
    }

    @Test
    void ringReplicasBetween1And10000() {
        String ring = "algorithm:\n      ring-hash:\n        replicas: ";
        assertThat(errorAfter("algorithm: round-robin", ring + "0", "pools[0].algorithm.ring-hash.replicas", "replicas")
                .message()).isEqualTo("must be between 1 and 10000 (got 0)");
        assertThat(errorAfter("algorithm: round-robin", ring + "10001", "pools[0].algorithm.ring-hash.replicas",
                "replicas").message()).isEqualTo("must be between 1 and 10000 (got 10001)");
    }

    @Test
    void poolTimeouts() {
        assertThat(errorAfter("connectTimeout: 1s", "connectTimeout: 0s", "pools[0].connectTimeout",
                "connectTimeout").message()).isEqualTo("must be longer than 0 (got 0s)");
        assertThat(errorAfter("responseTimeout: 0s", "responseTimeout: -1ms", "pools[0].responseTimeout",
                "responseTimeout").message()).isEqualTo("must not be negative (got -1ms); 0s turns it off");
    }

    @Test
    void retryAttemptsBetween0And10() {
        ConfigError e = errorAfter("attempts: 2", "attempts: 11", "pools[0].retries.attempts", "attempts");
        assertThat(e.message()).isEqualTo("must be between 0 and 10 (got 11)");
    }

    @Test
    void queueSizeNotNegative() {
        assertThat(errorAfter("size: 10", "size: -1", "pools[0].queue.size", "size:").message())
                .isEqualTo("must be >= 0 (got -1)");
        assertThat(errorAfter("  timeout: 1s", "  timeout: -1s", "pools[0].queue.timeout", "-1s").message())
                .isEqualTo("must not be negative (got -1s); 0s turns it off");
    }

    @Test
    void passiveHealth() {
        assertThat(errorAfter("consecutiveFailures: 3", "consecutiveFailures: 0",
                "pools[0].passiveHealth.consecutiveFailures", "consecutiveFailures").message())
                .isEqualTo("must be >= 1 (got 0)");
        assertThat(errorAfter("maxEjectTime: 1m", "maxEjectTime: 5s", "pools[0].passiveHealth.maxEjectTime",
                "maxEjectTime").message()).isEqualTo("must be at least ejectTime (10s; got 5s)");
        assertThat(errorAfter("ejectTime: 10s", "ejectTime: 0s", "pools[0].passiveHealth.ejectTime",
                "  ejectTime").message()).isEqualTo("must be longer than 0 (got 0s)");
    }

    @Test
    void keepAlive() {
        assertThat(errorAfter("maxIdlePerBackend: 8", "maxIdlePerBackend: -8", "pools[0].keepAlive.maxIdlePerBackend",
                "maxIdlePerBackend").message()).isEqualTo("must be >= 0 (got -8)");
    }

    // ---- backends ---------------------------------------------------------------------------------

    @Test
    void backendsAreNotEmpty() {
        String yaml = with(BASE, "    backends:\n      - address: 10.0.1.1:80\n      - address: 10.0.1.2:80\n",
                "    backends: []\n");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pools[1].backends");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "backends: []"));
        assertThat(e.message()).isEqualTo("at least one backend is required");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "10.0.1.1        | missing port: write host:port, e.g. 10.0.0.5:8080 (got \"10.0.1.1\")",
            "0.0.0.0:80      | an address to connect to needs a host, e.g. 10.0.0.5:8080 (got \"0.0.0.0:80\")",
            "':80'           | an address to connect to needs a host, e.g. 10.0.0.5:8080 (got \":80\")",
            "10.0.1.1:99999  | the port must be between 1 and 65535 (got 99999)",
            "'fd00::1:80'    | an IPv6 address needs brackets: write [fd00::1]:80 (got \"fd00::1:80\")",
            "'http://10.0.0.2:8080' | write host:port, not a URL: 10.0.0.2:8080 (got \"http://10.0.0.2:8080\")",
            "'http://app.internal/health' | write host:port, not a URL: app.internal:80 (got \"http://app.internal/health\")",
            "'https://[fd00::2]/' | write host:port, not a URL: [fd00::2]:443 (got \"https://[fd00::2]/\"); TLS to a pool's backends is its tls section",
            "'a:b:80'        | not host:port: too many colons; write host:port, e.g. 10.0.0.5:8080, and an IPv6 address in brackets, e.g. [::1]:8080 (got \"a:b:80\")",
    })
    void backendAddressIsHostColonPort(String address, String message) {
        ConfigError e = errorAfter("address: 10.0.1.1:80", "address: " + address, "pools[1].backends[0].address",
                "address: " + address);
        assertThat(e.message()).isEqualTo(message);
    }

    @Test
    void backendAddressIsRequired() {
        String yaml = with(BASE, "      - address: 10.0.1.1:80\n", "      - weight: 1\n");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pools[1].backends[0].address");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "- weight: 1"));
        assertThat(e.message()).startsWith("required: the backend's host:port");
    }

    @Test
    void backendNamesFollowTheRuleTheAdminApiSharesToo() {
        java.util.Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("\"a/b\"", "must not contain '/': it names the backend in admin API paths (got \"a/b\")");
        refused.put("\"../x\"", "must not contain '/': it names the backend in admin API paths (got \"../x\")");
        refused.put("\"a\\nb\"", "must not contain white space or control characters (got \"a\\nb\")");
        refused.put("\"two words\"", "must not contain white space or control characters (got \"two words\")");
        refused.put("\"..\"", "must not be \"..\"");
        refused.forEach((name, message) -> {
            ConfigError e = errorAfter("- name: w2", "- name: " + name, "pools[0].backends[1].name", "- name: " + name);
            assertThat(e.message()).as(name).isEqualTo(message);
        });
        assertThat(Names.backendNameProblem("web-1.example:8080")).isNull();
        assertThat(Names.backendNameProblem("[fd00::1]:80")).isNull();
    }

    @Test
    void backendNamesAreUniqueInAPool() {
        ConfigError named = errorAfter("- name: w2", "- name: w1", "pools[0].backends[1].name", "- name: w1\n        address: web-2");
        assertThat(named.message()).isEqualTo("duplicate backend name \"w1\" in this pool (also at "
                + "pools[0].backends[0].name, line " + lineOf(BASE, "- name: w1") + ")");

        ConfigError byAddress = onlyError(with(BASE, "address: 10.0.1.2:80", "address: 10.0.1.1:80"));
        assertThat(byAddress.path()).isEqualTo("pools[1].backends[1].address");
        assertThat(byAddress.line()).isEqualTo(lineOf(BASE, "address: 10.0.1.2:80"));
        assertThat(byAddress.message()).isEqualTo("duplicate backend address 10.0.1.1:80 (give each a distinct name "
                + "if this is meant) in this pool (also at pools[1].backends[0].address, line "
                + lineOf(BASE, "address: 10.0.1.1:80") + ")");
    }

    @Test
    void sameBackendNameInTwoPoolsIsFine() {
        assertThat(warningsOf(with(BASE, "- address: 10.0.1.1:80", "- name: w1\n        address: 10.0.1.1:80")))
                .isEmpty();
    }

    @Test
    void weightFrom0ToTheBound() {
        ConfigError negative = errorAfter("weight: 1", "weight: -3", "pools[0].backends[0].weight", "weight: -3");
        assertThat(negative.message()).isEqualTo("must be >= 0 (got -3)");
        assertThat(negative.column()).isEqualTo(17);

        ConfigError above = errorAfter("weight: 2", "weight: 11", "pools[0].backends[1].weight", "weight: 11");
        assertThat(above.message()).isEqualTo("must be at most 10, the pool's weightBound (got 11); "
                + "lower the weight or raise weightBound");
    }

    @Test
    void allWeightsZeroIsAWarning() {
        String yaml = with(with(BASE, "weight: 1", "weight: 0"), "weight: 2", "weight: 0");
        assertThat(warningsOf(yaml)).extracting(ConfigError::path, ConfigError::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("pools[0].backends",
                        "every backend has weight 0: the pool never picks one (every request gets 503)"));
    }

    @Test
    void maxConnectionsNotNegative() {
        ConfigError e = errorAfter("maxConnections: 10\n", "maxConnections: -1\n", "pools[0].backends[0].maxConnections",
                "maxConnections: -1");
        assertThat(e.message()).isEqualTo("must be >= 0 (got -1)");
    }

    @Test
    void backendState() {
        ConfigError e = errorAfter("state: up", "state: drain", "pools[0].backends[0].state", "state:");
        assertThat(e.message()).isEqualTo(
                "must be one of backup, disabled, down, draining, up (got \"drain\") (did you mean \"draining\"?)");
        for (String state : List.of("up", "down", "draining", "disabled", "backup")) {
            assertThat(warningsOf(with(BASE, "state: up", "state: " + state))).isEmpty();
        }
    }

    @Test
    void unusedPoolIsAWarningNotAnError() {
        String yaml = with(BASE, "        pool: web\n", "        pool: api\n");
        List<ConfigError> warnings = warningsOf(yaml);
        assertThat(warnings).containsExactly(new ConfigError("pools[0].name", lineOf(yaml, "  - name: web\n    algorithm"),
                11, "pool \"web\" is not used by any route"));
    }

    // ---- together, and without a file -------------------------------------------------------------

    @Test
    void everySemanticErrorIsReportedInOnePass() {
        String yaml = with(BASE, "eventLoopThreads: 2", "eventLoopThreads: 1000");
        yaml = with(yaml, "protocol: http", "protocol: udp");
        yaml = with(yaml, "pathPrefix: /api/", "pathPrefix: api");
        yaml = with(yaml, "algorithm: round-robin", "algorithm: fastest");
        yaml = with(yaml, "weight: 2", "weight: 99");
        yaml = with(yaml, "address: 10.0.1.2:80", "address: 10.0.1.2");
        List<ConfigError> errors = errorsOf(yaml);
        assertThat(errors).extracting(ConfigError::path).containsExactly(
                "server.eventLoopThreads",
                "listeners[0].protocol",
                "listeners[0].routes[0].match.pathPrefix",
                "pools[0].algorithm",
                "pools[0].backends[1].weight",
                "pools[1].backends[1].address");
        assertThat(errors).extracting(ConfigError::line).isSorted().allMatch(line -> line > 0);
    }

    @Test
    void aConfigurationBuiltInCodeIsValidatedWithoutLines() {
        FulcrumConfig config = FulcrumConfigBuilder.config()
                .listeners(List.of(ListenerConfigBuilder.listener("web", HostPort.parse("127.0.0.1:8080"))
                        .routes(List.of(new RouteConfig("all", null, "missing", null)))
                        .build()))
                .pools(List.of(PoolConfigBuilder.pool("web")
                        .backends(List.of(new BackendConfig(null, HostPort.parse("10.0.0.1:80"), -1, null, null, null, null, null)))
                        .build()))
                .build();
        ConfigValidator.Result result = ConfigValidator.validate(config);
        assertThat(result.ok()).isFalse();
        assertThat(result.errors()).containsExactly(
                new ConfigError("listeners[0].routes[0].pool", 0, 0, "no pool named \"missing\"; pools: web"),
                new ConfigError("pools[0].backends[0].weight", 0, 0, "must be >= 0 (got -1)"));
        assertThat(result.warnings()).containsExactly(
                new ConfigError("pools[0].name", 0, 0, "pool \"web\" is not used by any route"));
        assertThat(result.errors().getFirst().format("api")).isEqualTo(
                "api: listeners[0].routes[0].pool: no pool named \"missing\"; pools: web");
    }
}
