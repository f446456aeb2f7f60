package io.fulcrum.health.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Established TCP connections of this host whose local port is one of the service
 * ports, read from {@code /proc/net/tcp} and {@code /proc/net/tcp6}: the agent's
 * shadow table (requirements 2.2 item 9) and its connection counts.
 */
public final class ProcConnections {

    /** One established connection to a service port. */
    public record Connection(int port, String local, String remote) {
    }

    private static final String ESTABLISHED = "01";

    private final Path procNet;

    public ProcConnections() {
        this(Path.of("/proc/net"));
    }

    ProcConnections(Path procNet) {
        this.procNet = procNet;
    }

    /** Established connections whose local port is in {@code ports}. */
    public List<Connection> established(Set<Integer> ports) throws IOException {
        List<Connection> out = new ArrayList<>();
        read(procNet.resolve("tcp"), ports, out);
        read(procNet.resolve("tcp6"), ports, out);
        return out;
    }

    private static void read(Path file, Set<Integer> ports, List<Connection> out) throws IOException {
        if (!Files.isReadable(file)) {
            return;
        }
        List<String> lines = Files.readAllLines(file);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 4 || !ESTABLISHED.equals(f[3])) {
                continue;
            }
            int port = port(f[1]);
            if (ports.contains(port)) {
                out.add(new Connection(port, endpoint(f[1]), endpoint(f[2])));
            }
        }
    }

    private static int port(String hexEndpoint) {
        return Integer.parseInt(hexEndpoint.substring(hexEndpoint.indexOf(':') + 1), 16);
    }

    /** {@code 0100007F:1F90} to {@code 127.0.0.1:8080}; IPv6 as {@code [::1]:8080}. */
    static String endpoint(String hex) {
        int colon = hex.indexOf(':');
        String addr = hex.substring(0, colon);
        int port = Integer.parseInt(hex.substring(colon + 1), 16);
        // The kernel prints each 32-bit word of the address in host (little-endian) order.
        byte[] bytes = new byte[addr.length() / 2];
        for (int w = 0; w < bytes.length / 4; w++) {
            for (int b = 0; b < 4; b++) {
                int at = w * 8 + (3 - b) * 2;
                bytes[w * 4 + b] = (byte) Integer.parseInt(addr.substring(at, at + 2), 16);
            }
        }
        try {
            InetAddress a = InetAddress.getByAddress(bytes);
            String text = a.getHostAddress();
            // IPv4-mapped IPv6 addresses (a dual-stack socket) come back as plain IPv4.
            return a instanceof java.net.Inet6Address ? "[" + text + "]:" + port : text + ":" + port;
        } catch (UnknownHostException e) {
            return hex;
        }
    }
}
