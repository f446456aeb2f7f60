package io.fulcrum.core.config.admin;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.TlsConfig;

import java.time.Duration;
import java.util.List;

/**
 * The operator's surface: admin API, dashboard and {@code /metrics}, served by one small
 * HTTP server of its own. Absent from a file, the admin server does not run.
 *
 * @param enabled   off switch (default on when the section is present)
 * @param bind      {@code host:port} to listen on (default {@code 127.0.0.1:9900}: loopback only)
 * @param tls       optional TLS for the admin server (same shape as a listener's)
 * @param tokens    bearer tokens and their roles
 * @param stateFile where changes made through the API are kept so that a restart keeps them;
 *                  relative paths are resolved next to the configuration file
 *                  (default {@code fulcrum-state.json} there); read once, at start
 * @param metricsWithoutToken whether {@code /metrics} answers without a token (default {@code true}, like most exporters)
 * @param maxConnections most connections open at once; more are refused at once (default 64)
 * @param headerTimeout  how long a connection may take to send a complete request head, from its opening or
 *                       from the previous answer (default 10 s); a slower one is closed
 */
public record AdminConfig(Boolean enabled, HostPort bind, TlsConfig tls, List<AdminToken> tokens,
                          @io.fulcrum.core.config.RestartRequired String stateFile,
                          Boolean metricsWithoutToken, Integer maxConnections, Duration headerTimeout) {

    /** The admin port when none is given: of {@code bind}, and of the URL {@code fulcrum ctl} and {@code demo} use. */
    public static final int DEFAULT_PORT = 9900;
    /** The address used when {@code bind} is not given. */
    public static final HostPort DEFAULT_BIND = HostPort.of("127.0.0.1", DEFAULT_PORT);
    /** The admin server's URL when it runs with the default {@code bind}. */
    public static final String DEFAULT_URL = "http://127.0.0.1:" + DEFAULT_PORT + "/";
    /** The state file name used when {@code stateFile} is not given. */
    public static final String DEFAULT_STATE_FILE = "fulcrum-state.json";
    /** The connection cap used when {@code maxConnections} is not given. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** The head timeout used when {@code headerTimeout} is not given. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

    public AdminConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        bind = bind == null ? DEFAULT_BIND : bind;
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        stateFile = stateFile == null ? DEFAULT_STATE_FILE : stateFile;
        metricsWithoutToken = metricsWithoutToken == null ? Boolean.TRUE : metricsWithoutToken;
        maxConnections = maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections;
        headerTimeout = headerTimeout == null ? DEFAULT_HEADER_TIMEOUT : headerTimeout;
    }

    /** What a configuration without an {@code admin} section means: no admin server. */
    public static AdminConfig disabled() {
        return new AdminConfig(false, null, null, null, null, null, null, null);
    }
}
