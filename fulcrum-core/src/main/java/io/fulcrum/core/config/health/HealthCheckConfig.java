package io.fulcrum.core.config.health;

import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;

/**
 * One active check run against every backend of a pool.
 *
 * @param type     the check type with its settings, e.g. {@code tcp} or {@code {http: {path: /health}}}
 *                 (see {@link CheckType}); default {@code tcp}
 * @param interval time between two checks of one backend
 * @param timeout  time one check may take
 * @param rise     passes in a row that bring a down backend up
 * @param fall     failures in a row that take an up backend down
 * @param jitter   random extra delay (0..jitter) added to each interval, so checks do not align
 * @param port     port to check; default the backend's port
 */
public record HealthCheckConfig(ExtensionConfig<CheckType<?>> type, Duration interval, Duration timeout, Integer rise,
                                Integer fall, Duration jitter, Integer port) {

    public HealthCheckConfig {
        type = type == null ? ExtensionConfig.of(BuiltInCheckTypes.Tcp.NAME) : type;
        interval = interval == null ? Duration.ofSeconds(2) : interval;
        timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
        rise = rise == null ? 2 : rise;
        fall = fall == null ? 3 : fall;
        jitter = jitter == null ? Duration.ZERO : jitter;
    }
}
