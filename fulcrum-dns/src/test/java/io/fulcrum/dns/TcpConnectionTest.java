package io.fulcrum.dns;

import io.fulcrum.dns.testing.DnsTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the server does with a TCP connection that does not carry well-behaved queries,
 * with raw bytes on a real socket: a response (QR set) ends the connection, and so does a
 * message that takes too long to arrive, however steadily its bytes trickle in.
 */
class TcpConnectionTest {

    static DnsTestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DnsTestServer.start("""
                dns:
                  listen: ["127.0.0.1:5353"]
                  zones:
                    - name: example.test
                      records: [{name: www, type: A, value: 192.0.2.10}]
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aResponseOverTcpClosesTheConnectionAfterTheRepliesBeforeIt() throws Exception {
        byte[] query = framed(query(7).toWire());
        Message response = query(8);
        response.getHeader().setFlag(org.xbill.DNS.Flags.QR);
        byte[] bytes = concat(query, framed(response.toWire()), query);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            // Longer than the server could take to close, far shorter than its 10 s idle timeout.
            s.setSoTimeout(4000);
            s.getOutputStream().write(bytes);
            DataInputStream in = new DataInputStream(s.getInputStream());
            // The query before the response is answered; nothing after it is.
            Message first = new Message(in.readNBytes(in.readUnsignedShort()));
            assertThat(first.getHeader().getID()).isEqualTo(7);
            assertThat(first.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(closedOrReset(in)).as("the connection is closed after the response").isTrue();
        }
        // The server still answers.
        assertThat(server.queryTcp("www.example.test.", Type.A).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void aMessageTricklingInIsCutOffAtItsDeadline() throws Exception {
        byte[] message = framed(query(9).toWire());
        int sent = 0;
        boolean closed = false;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            // One byte every 500 ms, well inside the 10 s idle timeout: the whole message would take
            // 17 s. The read between two bytes is the pause; it sees the server close.
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            while (sent < message.length && !closed) {
                try {
                    s.getOutputStream().write(message[sent]);
                    s.getOutputStream().flush();
                    sent++;
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                try {
                    closed = in.read() < 0;
                    assertThat(closed).as("a reply to a message not yet sent whole").isTrue();
                } catch (SocketTimeoutException stillOpen) {
                    // next byte
                } catch (IOException reset) {
                    closed = true;
                }
            }
        }
        assertThat(closed).as("closed before the message was complete").isTrue();
        assertThat(sent).as("bytes of %d sent before the close", message.length).isLessThan(message.length);
        // A client that sends its queries at once is served, as before.
        assertThat(server.queryTcp("www.example.test.", Type.A).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void queriesSentWholeKeepTheirConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(4000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int id = 20; id < 25; id++) {
                byte[] q = framed(query(id).toWire());
                // Split in two writes: a message may come in several segments.
                s.getOutputStream().write(q, 0, 5);
                s.getOutputStream().flush();
                s.getOutputStream().write(q, 5, q.length - 5);
                Message reply = new Message(in.readNBytes(in.readUnsignedShort()));
                assertThat(reply.getHeader().getID()).isEqualTo(id);
                assertThat(reply.getSection(Section.ANSWER)).hasSize(1);
            }
        }
    }

    /** Whether the next read sees the end of the stream or a reset (not a timeout: then it is open). */
    private static boolean closedOrReset(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (EOFException | java.net.SocketException reset) {
            return true;
        }
    }

    private static Message query(int id) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("www.example.test."), Type.A, DClass.IN));
        q.getHeader().setID(id);
        return q;
    }

    private static byte[] framed(byte[] message) {
        byte[] out = new byte[message.length + 2];
        out[0] = (byte) (message.length >> 8);
        out[1] = (byte) message.length;
        System.arraycopy(message, 0, out, 2, message.length);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
