package io.fulcrum.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for tests that must write a listener's port into a configuration before the
 * listener binds it.
 *
 * <p>Why not "bind port 0, read the number, close": that number comes from the kernel's
 * ephemeral range, so between the close and the real bind any {@code bind(0)} (a test's
 * backend) or {@code connect()} on the machine may take it, and the listener then fails
 * with "Address already in use". The ports handed out here lie outside the ephemeral
 * range (read from {@code /proc/sys/net/ipv4/ip_local_port_range}), where the kernel never
 * allocates on its own, and a cursor makes sure one test JVM never gets the same port twice.
 */
public final class FreePorts {

    /** Lowest port handed out: clear of the well-known and most registered service ports. */
    private static final int LOWEST = 20_000;
    private static final int FALLBACK_EPHEMERAL_LOW = 32_768;
    private static final int FALLBACK_EPHEMERAL_HIGH = 60_999;

    private static final int[] RANGE = usableRange();
    private static final AtomicInteger CURSOR =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(RANGE[1] - RANGE[0]));

    private FreePorts() {
    }

    /** A port free for TCP on 127.0.0.1. */
    public static int tcp() {
        return tcp("127.0.0.1");
    }

    /** A port free for TCP on this local address. */
    public static int tcp(String host) {
        return next(host, true, false);
    }

    /** A port free for UDP on this local address. */
    public static int udp(String host) {
        return next(host, false, true);
    }

    /** A port free for both TCP and UDP on this local address (a DNS server binds both). */
    public static int tcpAndUdp(String host) {
        return next(host, true, true);
    }

    private static int next(String host, boolean tcp, boolean udp) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int size = RANGE[1] - RANGE[0];
        for (int tries = 0; tries < size; tries++) {
            int port = RANGE[0] + Math.floorMod(CURSOR.getAndIncrement(), size);
            if ((!tcp || tcpFree(address, port)) && (!udp || udpFree(address, port))) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + RANGE[0] + "-" + RANGE[1] + " on " + host);
    }

    private static boolean tcpFree(InetAddress address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(address, port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static boolean udpFree(InetAddress address, int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, port))) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** [low, high) of the ports below (or, if there is no room, above) the ephemeral range. */
    private static int[] usableRange() {
        int low = FALLBACK_EPHEMERAL_LOW;
        int high = FALLBACK_EPHEMERAL_HIGH;
        try {
            String[] parts = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            low = Integer.parseInt(parts[0]);
            high = Integer.parseInt(parts[1]);
        } catch (IOException | RuntimeException notLinux) {
            // Keep Linux's default range.
        }
        if (low - LOWEST >= 1_000) {
            return new int[] {LOWEST, low};
        }
        if (65_536 - (high + 1) >= 1_000) {
            return new int[] {high + 1, 65_536};
        }
        return new int[] {LOWEST, 65_536};
    }
}
