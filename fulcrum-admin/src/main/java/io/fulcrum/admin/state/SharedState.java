package io.fulcrum.admin.state;

import io.fulcrum.core.event.Event;

import java.io.IOException;

/**
 * Where a fleet keeps the operator's changes, when the node is one of a fleet (cluster mode):
 * {@link AdminState#change} writes each change here first, so every node gets it (through
 * {@link AdminState#replace}) and a restarted node starts from it. A single node has none and
 * keeps its changes in the state file alone.
 */
public interface SharedState {

    /**
     * Writes {@code next} in place of {@code prev} (the state this node last got from the fleet),
     * with the event that tells of the change, so every other node's event log tells it too.
     *
     * @param event what the change is and who made it ({@code admin.*}); null when no one is to be told
     * @throws StateConflictException when another node changed the state since {@code prev} (nothing is written)
     * @throws IOException            when the fleet's store cannot be reached (nothing is written)
     */
    void write(StateData prev, StateData next, Event event) throws IOException;
}
