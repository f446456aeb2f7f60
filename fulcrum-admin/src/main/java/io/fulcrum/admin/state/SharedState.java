package io.fulcrum.admin.state;

import java.io.IOException;

/**
 * Where a fleet keeps the operator's changes, when the node is one of a fleet (cluster mode):
 * {@link AdminState#change} writes each change here first, so every node gets it (through
 * {@link AdminState#replace}) and a restarted node starts from it. A single node has none and
 * keeps its changes in the state file alone.
 */
public interface SharedState {

    /**
     * Writes {@code next} in place of {@code prev} (the state this node last got from the fleet).
     *
     * @throws StateConflictException when another node changed the state since {@code prev} (nothing is written)
     * @throws IOException            when the fleet's store cannot be reached (nothing is written)
     */
    void write(StateData prev, StateData next) throws IOException;
}
