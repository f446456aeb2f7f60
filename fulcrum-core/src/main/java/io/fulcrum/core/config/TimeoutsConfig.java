package io.fulcrum.core.config;

import java.time.Duration;

/**
 * Client-side timeouts of a listener. A zero duration disables that timeout.
 *
 * @param headerRead time allowed to receive a request's whole header section (408 after)
 * @param idle       keep-alive idle time: a connection with no request in progress is closed after this
 * @param request    time allowed for a whole request and its response (504 when the backend is the slow side)
 */
public record TimeoutsConfig(Duration headerRead, Duration idle, Duration request) {

    public TimeoutsConfig {
        headerRead = headerRead == null ? Duration.ofSeconds(10) : headerRead;
        idle = idle == null ? Duration.ofSeconds(60) : idle;
        request = request == null ? Duration.ofSeconds(60) : request;
    }

    public static TimeoutsConfig defaults() {
        return new TimeoutsConfig(null, null, null);
    }
}
