package io.fulcrum.core.config.health;

import io.fulcrum.core.config.HostPort;

import java.time.Duration;
import java.util.Map;

/**
 * How the manager polls the host agents ({@code fulcrum agent}) of a pool's backends.
 *
 * @param port       agent port on each backend's host
 * @param addresses  per backend name, an explicit agent {@code host:port} (overrides host + port)
 * @param token      shared token sent as {@code Authorization: Bearer}
 * @param tokenFile  file holding the token (instead of {@code token})
 * @param interval   polling period
 * @param timeout    time one poll may take
 * @param staleAfter a backend whose agent has not reported for this long takes no new connections
 */
public record AgentClientConfig(Integer port, Map<String, HostPort> addresses, String token, String tokenFile,
                                Duration interval, Duration timeout, Duration staleAfter) {

    /** The port a host agent serves on and is polled at when none is given ({@code fulcrum agent --listen}, {@code port}). */
    public static final int DEFAULT_PORT = 9110;

    public AgentClientConfig {
        port = port == null ? DEFAULT_PORT : port;
        addresses = addresses == null ? Map.of() : Map.copyOf(addresses);
        interval = interval == null ? Duration.ofSeconds(1) : interval;
        timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
        staleAfter = staleAfter == null ? Duration.ofSeconds(3) : staleAfter;
    }
}
