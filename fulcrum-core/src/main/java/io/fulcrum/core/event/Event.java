package io.fulcrum.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One thing that happened to the running system: a backend went down, a weight was
 * recomputed, an operator drained a server, a configuration was reloaded.
 *
 * @param sequence position in the node's event log (1, 2, 3…; 0 before it is published)
 * @param time     when it happened
 * @param kind     what kind of change, dotted and lower case ({@code backend.down}, {@code config.reload})
 * @param subject  what it happened to ({@code pool/backend}, a listener name, a site)
 * @param reason   why, in words an operator can act on
 * @param actor    who made it: {@code system} for Fulcrum itself, otherwise the operator's token name
 * @param details  the inputs that drove it (for example the metrics behind a new weight)
 */
public record Event(long sequence, Instant time, String kind, String subject, String reason, String actor,
                    Map<String, String> details) {

    /** The actor of changes Fulcrum makes by itself. */
    public static final String SYSTEM = "system";

    public Event {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        subject = subject == null ? "" : subject;
        reason = reason == null ? "" : reason;
        actor = actor == null || actor.isEmpty() ? SYSTEM : actor;
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** An event made by Fulcrum itself, not yet published. */
    public static Event of(String kind, String subject, String reason, Map<String, String> details) {
        return new Event(0, Instant.now(), kind, subject, reason, SYSTEM, details);
    }

    /** The same event with its log position set. */
    Event withSequence(long sequence) {
        return new Event(sequence, time, kind, subject, reason, actor, details);
    }
}
