package io.fulcrum.admin;

import io.fulcrum.admin.api.AdminApi;
import io.fulcrum.core.event.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every event as one JSON object to the logger {@code fulcrum.events.json}, which
 * the shipped Logback configuration sends to a rotated {@code events.log} (the same JSON
 * as the API's {@code /api/v1/events}).
 */
final class EventJsonLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum.events.json");

    private final AutoCloseable subscription;

    EventJsonLog(EventLog events) {
        this.subscription = events.subscribe(e -> {
            if (LOG.isInfoEnabled()) {
                LOG.info(AdminApi.eventJson(e));
            }
        });
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            // removing a subscriber from a list cannot fail
        }
    }
}
