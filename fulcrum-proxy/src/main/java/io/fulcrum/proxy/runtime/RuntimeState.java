package io.fulcrum.proxy.runtime;

import io.fulcrum.core.config.FulcrumConfig;

import java.util.Map;

/**
 * One immutable runtime snapshot compiled from a {@link FulcrumConfig}.
 *
 * @param config    the configuration it was compiled from
 * @param listeners compiled listeners by name
 * @param pools     compiled pools by name
 */
public record RuntimeState(FulcrumConfig config, Map<String, ListenerRuntime> listeners,
                           Map<String, PoolRuntime> pools) {

    public RuntimeState {
        listeners = Map.copyOf(listeners);
        pools = Map.copyOf(pools);
    }
}
