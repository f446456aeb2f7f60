package io.fulcrum.l4.testing;

import java.io.IOException;
import java.io.InputStream;

/** Reads what the line-speaking test backends ({@link TcpBackend}) send. */
public final class Lines {

    private Lines() {
    }

    /** The bytes up to the next newline (not included) or the end of the stream, one byte a char. */
    public static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString();
    }
}
