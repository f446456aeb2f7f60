package io.fulcrum.dns.testing;

import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * A plain UDP client for many queries in a row: one socket, dnsjava to build and read the
 * messages (with an EDNS Client Subnet option when asked), or raw bytes both ways.
 */
public final class RawClient implements AutoCloseable {

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private int id;

    public RawClient(InetSocketAddress server) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(3000);
    }

    /** Asks and returns the reply (matching ID). */
    public Message ask(String name, int type, String subnet) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.getHeader().setID(id = (id + 1) & 0xFFFF);
        if (subnet != null) {
            String[] parts = subnet.split("/");
            ClientSubnetOption ecs = new ClientSubnetOption(Integer.parseInt(parts[1]),
                    InetAddress.ofLiteral(parts[0]));
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(ecs)), org.xbill.DNS.Section.ADDITIONAL);
        }
        byte[] wire = q.toWire();
        socket.send(new DatagramPacket(wire, wire.length, server));
        byte[] buf = new byte[4096];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            Message m = new Message(Arrays.copyOf(buf, p.getLength()));
            if (m.getHeader().getID() == id) {
                return m;
            }
        }
    }

    /** Sends these bytes as one datagram and returns the reply's bytes (whatever its ID). */
    public byte[] exchange(byte[] query) throws IOException {
        socket.send(new DatagramPacket(query, query.length, server));
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return Arrays.copyOf(buf, p.getLength());
    }

    /** The first address of the answer, as text. */
    public String first(String name, int type, String subnet) throws IOException {
        List<Record> answer = ask(name, type, subnet).getSection(org.xbill.DNS.Section.ANSWER);
        return answer.isEmpty() ? null : answer.getFirst().rdataToString();
    }

    @Override
    public void close() {
        socket.close();
    }
}
