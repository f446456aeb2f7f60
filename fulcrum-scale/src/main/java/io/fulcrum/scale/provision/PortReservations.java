package io.fulcrum.scale.provision;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ports the node's members hold, per address: a port is reserved from the moment it is
 * chosen for a member until that member is stopped, so that two members (of one pool or of
 * two) are never given the same port, even before either has bound it.
 */
final class PortReservations {

    /** The node's reservations, shared by every provisioner that gives its members local ports. */
    static final PortReservations NODE = new PortReservations();

    private final Set<String> held = new HashSet<>();

    /** A port of {@code range} free on {@code address} and held by no member, now reserved; -1 when none is. */
    synchronized int reserve(InetAddress address, PortRange range, AtomicInteger cursor) {
        int port = range.pick(address, p -> held.contains(key(address, p)), cursor);
        if (port > 0) {
            held.add(key(address, port));
        }
        return port;
    }

    /** Gives a stopped member's port back. */
    synchronized void release(InetAddress address, int port) {
        held.remove(key(address, port));
    }

    private static String key(InetAddress address, int port) {
        return address.getHostAddress() + "#" + port;
    }
}
