package io.fulcrum.scale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.core.provision.Provisioner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the cluster's leader means to do with one pool, written to the fleet's store before it acts
 * and after each step, so that a new leader reads it and goes on: the pool's size it aims at, the last
 * generation used (a new leader's generations start above it) and every member with its state.
 *
 * <ul>
 *   <li>{@code starting}: {@code start(pool, generation)} was asked for, no member is known yet;</li>
 *   <li>{@code up}: the member runs and is in the pool (on every node);</li>
 *   <li>{@code draining}: on its way out, taking no new sessions (on every node);</li>
 *   <li>{@code stopping}: out of the pool, {@code stop(member, generation)} asked for;</li>
 *   <li>{@code replacing}: down, {@code replace(member, generation)} asked for.</li>
 * </ul>
 * A leader that takes over asks again what a member's state says was asked for, with the same
 * generation: the provisioner does not act twice (its generation contract).
 *
 * @param pool       the pool
 * @param generation the last generation used
 * @param target     the size the leader aims at
 * @param leader     the node that wrote it
 * @param members    the members, in order of their generations
 */
public record ScaleIntent(String pool, long generation, int target, String leader, List<Entry> members) {

    /** A state of a member. */
    public static final String STARTING = "starting", UP = "up", DRAINING = "draining", STOPPING = "stopping",
            REPLACING = "replacing";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ScaleIntent {
        members = List.copyOf(members);
    }

    /** An intent with nothing in it yet. */
    public static ScaleIntent empty(String pool) {
        return new ScaleIntent(pool, 0, 0, "", List.of());
    }

    /**
     * One member.
     *
     * @param generation the generation of the action its state names (the start's for up)
     * @param state      one of the states above
     * @param member     the member (null while starting)
     * @param since      when the state began (epoch ms, wall clock), for the states whose duration is bounded
     *                   across leaders ({@code draining} in the proxy tier: its drainTimeout runs from it); 0: not
     *                   recorded
     */
    public record Entry(long generation, String state, Provisioner.Member member, long since) {

        /** An entry whose start is not recorded. */
        public Entry(long generation, String state, Provisioner.Member member) {
            this(generation, state, member, 0);
        }

        /** Its name, or {@code "#<generation>"} while it has none (starting). */
        public String key() {
            return member == null ? "#" + generation : member.name();
        }
    }

    /** The same intent with {@code entry} put in place of the one with the same key (or added). */
    public ScaleIntent with(Entry entry) {
        return with(entry, entry.key());
    }

    /** The same intent with the entry of key {@code key} replaced by {@code entry}, or {@code entry} added. */
    public ScaleIntent with(Entry entry, String key) {
        List<Entry> next = new ArrayList<>();
        boolean put = false;
        for (Entry e : members) {
            if (e.key().equals(key)) {
                next.add(entry);
                put = true;
            } else {
                next.add(e);
            }
        }
        if (!put) {
            next.add(entry);
        }
        return new ScaleIntent(pool, Math.max(generation, entry.generation()), target, leader, next);
    }

    /** The same intent without the entries that match. */
    public ScaleIntent without(Predicate<Entry> which) {
        return new ScaleIntent(pool, generation, target, leader, members.stream().filter(which.negate()).toList());
    }

    /** The same intent aimed at another size. */
    public ScaleIntent aim(int size) {
        return new ScaleIntent(pool, generation, size, leader, members);
    }

    /** The same intent, as written by the leader {@code node}. */
    public ScaleIntent by(String node) {
        return new ScaleIntent(pool, generation, target, node, members);
    }

    /** The entry of this key, or null. */
    public Entry entry(String key) {
        return members.stream().filter(e -> e.key().equals(key)).findFirst().orElse(null);
    }

    /** As stored: JSON. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("pool", pool);
        o.put("generation", generation);
        o.put("target", target);
        o.put("leader", leader);
        ArrayNode list = o.putArray("members");
        for (Entry e : members) {
            ObjectNode m = list.addObject();
            m.put("generation", e.generation());
            m.put("state", e.state());
            if (e.since() > 0) {
                m.put("since", e.since());
            }
            if (e.member() != null) {
                m.put("name", e.member().name());
                m.put("address", e.member().address());
                ObjectNode labels = m.putObject("labels");
                e.member().labels().forEach(labels::put);
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads what {@link #toJson} wrote; a record that does not parse is an {@link IllegalArgumentException}. */
    public static ScaleIntent fromJson(byte[] json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an intent: " + e.getMessage(), e);
        }
        if (o == null || !o.isObject() || !o.path("pool").isTextual()) {
            throw new IllegalArgumentException("not an intent: no pool");
        }
        List<Entry> members = new ArrayList<>();
        for (JsonNode m : o.path("members")) {
            Provisioner.Member member = null;
            if (m.path("name").isTextual() && m.path("address").isTextual()) {
                Map<String, String> labels = new LinkedHashMap<>();
                m.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                member = new Provisioner.Member(m.get("name").asText(), m.get("address").asText(), labels);
            }
            members.add(new Entry(m.path("generation").asLong(), m.path("state").asText(UP), member,
                    m.path("since").asLong()));
        }
        return new ScaleIntent(o.get("pool").asText(), o.path("generation").asLong(), o.path("target").asInt(),
                o.path("leader").asText(""), members);
    }
}
