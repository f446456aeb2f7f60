package io.fulcrum.core.config;

import java.time.Duration;

/**
 * Process-wide settings.
 *
 * @param eventLoopThreads number of Netty event-loop threads; 0 means one per core; read once, at start
 * @param site             the site (data centre, zone) this node runs in; used by locality-aware balancing
 *                         and, with GSLB, the same name as {@code gslb.site} (the loader fills it in)
 * @param host             the host name of this node; used by locality-aware balancing
 * @param shutdownGrace    how long a graceful shutdown waits for in-flight requests
 * @param stickyPurgeInterval how often expired sticky entries are purged; read once, at start
 * @param ownSession       whether {@code fulcrum run} moves the process into a session of its own
 *                         at start (as a daemonised HAProxy or NGINX is); read once, at start
 * @param transport        socket I/O of the HTTP proxy: {@code auto}, {@code epoll}, {@code io_uring}
 *                         or {@code nio}; read once, at start
 * @param idleSpinPolls    non-blocking polls an epoll event loop (HTTP proxy and L4 router) makes
 *                         when it runs out of work, before it sleeps; 0 sleeps at once; read once,
 *                         at start
 * @param packetCpu        the CPU the packet-mode threads run on, kept free of the event loops: auto (the
 *                         highest-numbered CPU the process may use, when it may use two or more), none, or a
 *                         CPU number 0..1023; absent: the FULCRUM_PACKET_CPU variable, else auto; read once, at start
 */
public record ServerSettings(
        @RestartRequired Integer eventLoopThreads,
        String site,
        String host,
        Duration shutdownGrace,
        @RestartRequired Duration stickyPurgeInterval,
        @RestartRequired Boolean ownSession,
        @RestartRequired String transport,
        @RestartRequired Integer idleSpinPolls,
        @RestartRequired String packetCpu) {

    public ServerSettings {
        eventLoopThreads = eventLoopThreads == null ? 0 : eventLoopThreads;
        site = site == null ? "local" : site;
        host = host == null ? defaultHostName() : host;
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
        stickyPurgeInterval = stickyPurgeInterval == null ? Duration.ofSeconds(10) : stickyPurgeInterval;
        ownSession = ownSession != null && ownSession;
        transport = transport == null ? "auto" : transport;
        idleSpinPolls = idleSpinPolls == null ? 0 : idleSpinPolls;
    }

    /** These settings with another site name. */
    public ServerSettings withSite(String otherSite) {
        return new ServerSettings(eventLoopThreads, otherSite, host, shutdownGrace, stickyPurgeInterval, ownSession,
                transport, idleSpinPolls, packetCpu);
    }

    public static ServerSettings defaults() {
        return new ServerSettings(null, null, null, null, null, null, null, null, null);
    }

    private static String defaultHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
