package io.fulcrum.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP backend on loopback that sends back every byte it gets, one virtual thread per connection. */
public final class EchoServer implements AutoCloseable {

    private final ServerSocket server;

    private EchoServer(ServerSocket server) {
        this.server = server;
    }

    /** Binds a port of the kernel's choosing and starts accepting. */
    public static EchoServer start() throws IOException {
        return on(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /**
     * Echoes on a socket the caller bound, such as a TLS one from
     * {@link TestCertificates#serving}; closing either ends the accepting.
     */
    public static EchoServer on(ServerSocket bound) {
        EchoServer e = new EchoServer(bound);
        Thread.ofVirtual().start(e::acceptLoop);
        return e;
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            Thread.ofVirtual().start(() -> {
                try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException gone) {
                    // the client went away (or its TLS handshake failed): nothing to echo to
                }
            });
        }
    }

    /** Stops accepting; connections already open end when their clients close them. */
    @Override
    public void close() throws IOException {
        server.close();
    }
}
