package io.fulcrum.gslb;

import io.fulcrum.gslb.handoff.HandoffTable;
import io.fulcrum.gslb.peer.MessageRejected;
import io.fulcrum.gslb.peer.MessageType;
import io.fulcrum.gslb.peer.PeerKey;
import io.fulcrum.gslb.peer.SiteMessage;
import io.fulcrum.gslb.peer.WireCodec;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Asks a running node for its hand-off table over the site-state protocol: a QUERY signed
 * with one of the node's peer keys, answered by a TABLE signed with the same key. Used by
 * {@code fulcrum handoff}; blocking, so never on an event loop.
 */
public final class HandoffQuery {

    private HandoffQuery() {
    }

    /**
     * Sends the query and waits for the answer.
     *
     * @param node    the node's site-state address
     * @param key     a key the node holds (one of its peers' keys)
     * @param timeoutMillis how long to wait for the answer
     * @return the node's site name and table
     * @throws IOException when no valid answer came in time
     */
    public static Answer ask(InetSocketAddress node, PeerKey key, long timeoutMillis) throws IOException {
        // Start above any earlier run's numbers, as a restarted peer does.
        long sequence = System.currentTimeMillis() * 1000 + ThreadLocalRandom.current().nextInt(1000);
        SiteMessage query = new SiteMessage(MessageType.QUERY, SiteStateService.CLI_SENDER,
                System.currentTimeMillis(), sequence, "", null, null);
        byte[] out = WireCodec.encode(query, key);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(out, out.length, node));
            byte[] buf = new byte[WireCodec.MAX_DATAGRAM];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("no answer from " + node + " within " + timeoutMillis + " ms");
                }
                socket.setSoTimeout((int) Math.max(1, left));
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                byte[] data = java.util.Arrays.copyOf(in.getData(), in.getLength());
                try {
                    SiteMessage m = WireCodec.decode(data, Map.of(key.keyId(), key)::get).message();
                    if (m.type() == MessageType.TABLE) {
                        return new Answer(m.sender(), m.table());
                    }
                } catch (MessageRejected e) {
                    // Not our answer: keep waiting until the deadline.
                }
            }
        }
    }

    /**
     * A node's answer.
     *
     * @param site  the node's site
     * @param table its hand-off table
     */
    public record Answer(String site, HandoffTable table) {

        /** The table as text, one site per line. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append("hand-off table of site ").append(site).append('\n');
            sb.append(String.format(java.util.Locale.ROOT, "%-4s %-24s %8s %8s%n", "#", "SITE", "WEIGHT", "SHARE"));
            int i = 1;
            for (HandoffTable.Row r : table.rows()) {
                sb.append(String.format(java.util.Locale.ROOT, "%-4d %-24s %8d %7.1f%%%n", i++, r.site(), r.weight(),
                        r.share() * 100));
            }
            if (table.rows().isEmpty()) {
                sb.append("(empty: no preference lists known yet)\n");
            }
            return sb.toString();
        }
    }
}
