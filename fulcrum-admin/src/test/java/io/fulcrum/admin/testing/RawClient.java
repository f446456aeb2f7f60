package io.fulcrum.admin.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for tests that need the bytes on the wire: a head sent
 * without its body, a head trickled a byte at a time, many connections held open.
 */
public final class RawClient implements AutoCloseable {

    /** One response: status, headers (lower-case names) and body. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the admin server at {@code base}; reads wait at most 15 s. */
    public static RawClient connect(URI base) throws IOException {
        Socket s = new Socket(base.getHost(), base.getPort());
        s.setSoTimeout(15_000);
        return new RawClient(s);
    }

    /** Sends text as it is (ISO-8859-1 bytes). */
    public RawClient send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Sends a request without a body, keeping the connection. */
    public Response request(String method, String path, String token) throws IOException {
        send(method + " " + path + " HTTP/1.1\r\nHost: admin\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n");
        return read();
    }

    /** Reads one response (head, then a body of its Content-Length). */
    public Response read() throws IOException {
        String head = readHead();
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Whether the server has closed the connection (the next read sees the end), waiting up to the read timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** The underlying socket (to change its read timeout). */
    public Socket socket() {
        return socket;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            int n = b.size();
            byte[] a = b.toByteArray();
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return new String(a, 0, n - 4, StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("connection closed before a response head (got " + b.size() + " bytes)");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
