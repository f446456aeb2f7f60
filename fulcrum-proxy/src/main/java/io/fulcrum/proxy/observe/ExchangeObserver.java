package io.fulcrum.proxy.observe;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;

/**
 * Told about every finished request, on the event loop that served it, right where the
 * access log record is written. The metrics of the admin module implement it.
 *
 * <p>Implementations must be cheap and must never block: no I/O, no locks held for
 * long, no lookups by string if a cached object will do (the arguments are the live
 * runtime objects, whose identity is stable for as long as the configuration keeps them).
 */
@FunctionalInterface
public interface ExchangeObserver {

    /**
     * One request is done (answered, failed, or abandoned by the client).
     *
     * @param listener      the listener it came in on
     * @param route         the route it matched, or {@code null} when none did
     * @param backend       the backend that served it last, or {@code null} when none was reached
     * @param status        the status sent to the client (499 when the client went away first)
     * @param totalNanos    time from the request head to the last response byte
     * @param backendMicros time from sending to the backend to its response head; -1 when none
     * @param bytesIn       request body bytes received
     * @param bytesOut      response body bytes sent
     */
    void exchangeFinished(ListenerRuntime listener, RouteRuntime route, Backend backend, int status,
                          long totalNanos, long backendMicros, long bytesIn, long bytesOut);
}
