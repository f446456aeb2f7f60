package io.fulcrum.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately simple HTTP/1.1 client over a plain socket, for what well-behaved
 * clients cannot send and for the bytes on the wire: malformed requests, pipelining, exact
 * header control, a head sent without its body or trickled a byte at a time, many
 * connections held open.
 */
public final class RawHttp implements AutoCloseable {

    /** A parsed response: status, headers (lower-case names, repeated ones joined by ", ") and body. */
    public record Response(int status, Map<String, String> headers, String body) {
        /** The value of header {@code name}, whatever its case, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Connects to {@code target}; reads wait at most 10 s. */
    public RawHttp(InetSocketAddress target) throws IOException {
        this(target, null);
    }

    /** Connects to the host and port of {@code base} (an admin server's URL, say); reads wait at most 15 s. */
    public static RawHttp connect(URI base) throws IOException {
        RawHttp c = new RawHttp(new InetSocketAddress(base.getHost(), base.getPort()));
        c.soTimeout(15_000);
        return c;
    }

    /** Connects from a chosen local address (e.g. 127.0.0.7) so tests can vary the client IP. */
    public RawHttp(InetSocketAddress target, String localAddress) throws IOException {
        socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(target, 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends text as it is (ISO-8859-1 bytes). */
    public RawHttp send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Sends bytes as they are. */
    public RawHttp send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** Sets how long a read waits before it gives up. */
    public void soTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /**
     * Sends a request without a body, keeping the connection, and reads its response.
     *
     * @param bearerToken sent as {@code Authorization: Bearer}, or null for none
     */
    public Response request(String method, String path, String bearerToken) throws IOException {
        send(method + " " + path + " HTTP/1.1\r\nHost: test\r\n"
                + (bearerToken == null ? "" : "Authorization: Bearer " + bearerToken + "\r\n") + "\r\n");
        return read();
    }

    /** Reads one response (body by Content-Length, chunked, or to the end of the connection). */
    public Response read() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            headers.merge(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        if (status / 100 == 1 || status == 204 || status == 304) {
            return new Response(status, headers, "");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String cl = headers.get("content-length");
        if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl)));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(size));
                line();
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Reads one response to a HEAD request (no body whatever the headers say). */
    public Response readHead() throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
        }
        return new Response(status, headers, "");
    }

    /** Reads exactly {@code n} raw bytes (after a 101, say). */
    public byte[] readBytes(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new IOException("connection closed after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** Reads raw bytes until the server closes the connection. */
    public byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** Half-closes: the server sees the end of the request stream, the response stream stays open. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** True when the server closed the connection (end of stream or reset) within the socket timeout. */
    public boolean isClosedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
