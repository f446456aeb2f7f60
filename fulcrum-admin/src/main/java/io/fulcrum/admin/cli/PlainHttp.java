package io.fulcrum.admin.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection ({@code Connection: close}), for
 * the admin API at an {@code http://} address. The JDK's {@code java.net.http.HttpClient}
 * sets up TLS and its selector thread even for plain HTTP, which was most of a {@code ctl}
 * call's start-up; a command makes one or two requests and needs none of it.
 */
final class PlainHttp {

    /** A response: its status and its body, decoded from chunks or bounded by its length. */
    record Response(int status, InputStream body) implements AutoCloseable {
        /** The whole body as UTF-8 text. */
        String text() throws IOException {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private PlainHttp() {
    }

    /**
     * Sends one request and reads the response's head; the caller reads and closes the body.
     *
     * @param readMillis how long one read may wait (0: for ever, for an event stream)
     */
    static Response exchange(URI uri, String method, Map<String, String> headers, String body, int connectMillis,
                             int readMillis) throws IOException {
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), port), connectMillis);
            socket.setSoTimeout(readMillis);
            socket.setTcpNoDelay(true);
            byte[] content = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(target(uri)).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader(uri)).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (content != null) {
                head.append("Content-Length: ").append(content.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (content != null) {
                out.write(content);
            }
            out.flush();
            return read(socket, new BufferedInputStream(socket.getInputStream()), method);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static String target(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private static String hostHeader(URI uri) {
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]"
                : uri.getHost();
        return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    }

    private static Response read(Socket socket, InputStream in, String method) throws IOException {
        String statusLine = line(in);
        // "HTTP/1.1 200 OK": the status is the second word.
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP response: " + statusLine, e);
        }
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            }
        }
        InputStream body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = InputStream.nullInputStream();
        } else if (chunked) {
            body = new Chunked(in);
        } else if (length >= 0) {
            body = new Bounded(in, length);
        } else {
            body = in; // until the server closes (Connection: close)
        }
        return new Response(status, new FilterInputStream(body) {
            @Override
            public void close() throws IOException {
                socket.close();
            }
        });
    }

    /** One line of the head, without its CRLF (ISO-8859-1, as RFC 9112 reads a head). */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the connection closed in the middle of a response");
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 16 * 1024) {
                throw new IOException("response line longer than 16 KB");
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A body of a known length. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long length) {
            super(in);
            left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the connection closed before the end of the body");
            }
            left -= n;
            return n;
        }
    }

    /** A chunked body (RFC 9112 7.1), decoded as it arrives; trailers are skipped. */
    private static final class Chunked extends FilterInputStream {
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                int semicolon = size.indexOf(';');
                try {
                    left = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size: " + size, e);
                }
                if (left == 0) {
                    while (!line(in).isEmpty()) {
                        // trailer fields
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the connection closed in the middle of a chunk");
            }
            left -= n;
            if (left == 0) {
                line(in); // the CRLF after the chunk
            }
            return n;
        }
    }
}
