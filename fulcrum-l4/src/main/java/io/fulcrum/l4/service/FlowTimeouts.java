package io.fulcrum.l4.service;

/**
 * The timeouts in effect for one (VIP, port), resolved over port, VIP, service and global
 * levels, in nanoseconds (connect in milliseconds, as Netty takes it).
 */
public record FlowTimeouts(int connectMillis, long idleNanos, long finNanos, long staleNanos, long udpSessionNanos) {
}
