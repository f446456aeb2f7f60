package io.fulcrum.app;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Writes socket addresses the way operators type them: {@code host:port}, IPv6 in brackets. */
final class Addresses {

    private Addresses() {
    }

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}. */
    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        if (address.getAddress() instanceof Inet6Address) {
            int zone = host.indexOf('%');
            host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
        }
        return host + ":" + address.getPort();
    }
}
