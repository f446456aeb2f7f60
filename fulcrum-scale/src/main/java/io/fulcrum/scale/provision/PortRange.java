package io.fulcrum.scale.provision;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * The ports a provisioner hands its members, {@code low-high} inclusive, and the choice of a
 * free one: the next port of the range (a cursor, so that a port just given up is not the
 * next one given) that no member holds and that can be bound on the address now.
 *
 * <p>The default range lies below Linux's ephemeral range (32768-60999), where the kernel
 * never picks a port on its own for an outgoing connection, so a port found free stays free
 * until the member binds it, unless another program chooses it explicitly.
 */
record PortRange(int low, int high) {

    /** The default range, {@value #DEFAULT}. */
    static final String DEFAULT = "20000-29999";

    PortRange {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("expected a range of ports LOW-HIGH within 1-65535, like "
                    + DEFAULT + " (got " + low + "-" + high + ")");
        }
    }

    /**
     * Reads {@code low-high} (or one port).
     *
     * @throws IllegalArgumentException saying how to write it
     */
    static PortRange parse(String text) {
        String t = text.strip();
        int dash = t.indexOf('-');
        try {
            if (dash < 0) {
                int p = Integer.parseInt(t);
                return new PortRange(p, p);
            }
            return new PortRange(Integer.parseInt(t.substring(0, dash).strip()), Integer.parseInt(t.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a range of ports LOW-HIGH, like " + DEFAULT + " (got '" + text + "')");
        }
    }

    int size() {
        return high - low + 1;
    }

    /**
     * A port of this range that {@code taken} does not hold and that is free on {@code address},
     * starting after the last one {@code cursor} gave; -1 when there is none.
     */
    int pick(InetAddress address, IntPredicate taken, AtomicInteger cursor) {
        for (int tries = 0; tries < size(); tries++) {
            int port = low + Math.floorMod(cursor.getAndIncrement(), size());
            if (!taken.test(port) && bindable(address, port)) {
                return port;
            }
        }
        return -1;
    }

    /** Whether a listener can bind this port on this address now. */
    static boolean bindable(InetAddress address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    @Override
    public String toString() {
        return low + "-" + high;
    }
}
