package io.fulcrum.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Small socket facts the tests check: whether something listens on a port. */
final class Sockets {

    private Sockets() {
    }

    /** Whether a TCP connection to 127.0.0.1:port is accepted. */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
