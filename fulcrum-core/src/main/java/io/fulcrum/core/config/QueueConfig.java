package io.fulcrum.core.config;

import java.time.Duration;

/**
 * The wait queue used when every eligible backend is at its max connections.
 *
 * @param size    most requests waiting at once; beyond that the answer is 503 at once
 * @param timeout longest wait before the answer is 503
 */
public record QueueConfig(Integer size, Duration timeout) {

    public QueueConfig {
        size = size == null ? 1024 : size;
        timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
    }

    public static QueueConfig defaults() {
        return new QueueConfig(null, null);
    }
}
