package io.fulcrum.core.l4;

import java.util.List;

/**
 * Read access to an L4 router's connection table, for the {@code fulcrum} subcommand
 * and the admin API. Implemented by the node service that runs the virtual services.
 */
public interface ConnectionTableSource {

    /** Up to {@code limit} entries of the table, oldest first. */
    List<ConnectionEntry> connections(int limit);

    /** Per-backend counters: active, FIN, completed and opened connections, and bytes each way. */
    List<BackendConnectionCounters> backendCounters();

    /**
     * One tracked flow.
     *
     * @param service    virtual service name
     * @param vip        the VIP address the client reached
     * @param port       the VIP port
     * @param protocol   {@code tcp} or {@code udp}
     * @param client     client address and port
     * @param backend    backend name (pool/backend), empty before one is chosen
     * @param state      {@code ACTIVE} or {@code FIN}
     * @param ageMillis  time since the flow started
     * @param idleMillis time since the last byte either way
     * @param bytesIn    bytes from the client
     * @param bytesOut   bytes to the client
     */
    record ConnectionEntry(String service, String vip, int port, String protocol, String client, String backend,
                           String state, long ageMillis, long idleMillis, long bytesIn, long bytesOut) {
    }

    /**
     * Counters of one backend of a virtual service's pool.
     *
     * @param active    flows open and relaying
     * @param fin       flows closing (a FIN seen one way)
     * @param completed flows ended
     * @param opened    flows sent to the backend in all
     * @param bytesIn   bytes from the clients of its flows (not those relayed by splice(2), which are not seen)
     * @param bytesOut  bytes to the clients of its flows (likewise)
     */
    record BackendConnectionCounters(String service, String pool, String backend, long active, long fin,
                                     long completed, long opened, long bytesIn, long bytesOut) {

        /** Counters without flow totals or bytes (a source that does not count them). */
        public BackendConnectionCounters(String service, String pool, String backend, long active, long fin,
                                         long completed) {
            this(service, pool, backend, active, fin, completed, active + fin + completed, 0, 0);
        }
    }
}
