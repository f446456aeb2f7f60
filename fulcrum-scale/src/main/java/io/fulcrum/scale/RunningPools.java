package io.fulcrum.scale;

import io.fulcrum.core.backend.Backend;

import java.io.IOException;
import java.util.List;

/**
 * What the scaler needs of the running node: its pools' live backends, and putting a changed
 * membership ({@link ScaledMembers}) into service through the node's one apply path (the same as
 * a reload: live connections, counters and sticky sessions stay).
 */
public interface RunningPools {

    /** The live backends of a pool now (empty when there is no such pool). */
    List<Backend> backends(String pool);

    /** Applies the configuration again with the scaled members laid over it. */
    void reapply() throws IOException;
}
