package io.fulcrum.app.scale;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.core.event.Event;

import java.util.List;
import java.util.Optional;

/** The autoscaler's events in a node's event log, as the scale tests look for them. */
public final class ScaleEvents {

    private ScaleEvents() {
    }

    /** The node's recent events of {@code kind}, oldest first. */
    public static List<Event> of(FulcrumNode node, String kind) {
        return node.events().latest(5000).stream().filter(e -> e.kind().equals(kind)).toList();
    }

    /** The first decision to add one member ({@code scale.decision} with {@code change} 1), if any. */
    public static Optional<Event> firstGrowth(FulcrumNode node) {
        return of(node, "scale.decision").stream().filter(e -> "1".equals(e.details().get("change"))).findFirst();
    }
}
