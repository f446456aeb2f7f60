package io.fulcrum.cluster.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The compact JSON a node's statistics are published in: names once, numbers in a fixed
 * column order, so a node with a few hundred backends writes a few KB a second.
 * <pre>
 * {"v":1,"node":"n1","t":1765000000000,"i":1000,"c":12,
 *  "pools":{"web":{"a":[newFlows,activeFlows,requests,bytesIn,bytesOut,errors,p50,p90,p99,rtt,retransmits,weight]}}}
 * </pre>
 * {@code c}, the node's open client connections, came later: a reader takes 0 when it is missing.
 */
public final class StatsCodec {

    /** Format version; a reader skips what it does not know. */
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatsCodec() {
    }

    /** The published form. */
    public static byte[] encode(NodeStats s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", VERSION).put("node", s.node()).put("t", s.epochMillis()).put("i", s.intervalMillis())
                .put("c", s.clientConnections());
        ObjectNode pools = root.putObject("pools");
        for (BackendStats b : s.backends()) {
            ObjectNode pool = pools.has(b.pool()) ? (ObjectNode) pools.get(b.pool()) : pools.putObject(b.pool());
            ArrayNode a = pool.putArray(b.backend());
            a.add(round(b.newFlows())).add(b.activeFlows()).add(round(b.requests())).add(round(b.bytesIn()))
                    .add(round(b.bytesOut())).add(round(b.errors())).add(round(b.p50Millis()))
                    .add(round(b.p90Millis())).add(round(b.p99Millis())).add(round(b.rttMillis()))
                    .add(round(b.retransmits())).add(b.weight());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a published form.
     *
     * @throws IllegalArgumentException when it is not one (another version, damaged)
     */
    public static NodeStats decode(byte[] data) {
        try {
            JsonNode root = JSON.readTree(data);
            if (root == null || root.path("v").asInt() != VERSION || !root.path("pools").isObject()) {
                throw new IllegalArgumentException("not statistics of version " + VERSION);
            }
            List<BackendStats> out = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> ps = root.get("pools").fields(); ps.hasNext(); ) {
                Map.Entry<String, JsonNode> p = ps.next();
                for (Iterator<Map.Entry<String, JsonNode>> bs = p.getValue().fields(); bs.hasNext(); ) {
                    Map.Entry<String, JsonNode> b = bs.next();
                    JsonNode a = b.getValue();
                    if (!a.isArray() || a.size() < 12) {
                        throw new IllegalArgumentException("backend " + b.getKey() + ": 12 numbers expected");
                    }
                    out.add(new BackendStats(p.getKey(), b.getKey(), a.get(0).asDouble(), a.get(1).asInt(),
                            a.get(2).asDouble(), a.get(3).asDouble(), a.get(4).asDouble(), a.get(5).asDouble(),
                            a.get(6).asDouble(), a.get(7).asDouble(), a.get(8).asDouble(), a.get(9).asDouble(),
                            a.get(10).asDouble(), a.get(11).asInt()));
                }
            }
            return new NodeStats(root.path("node").asText(), root.path("t").asLong(), root.path("i").asLong(), out,
                    root.path("c").asInt(0));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
