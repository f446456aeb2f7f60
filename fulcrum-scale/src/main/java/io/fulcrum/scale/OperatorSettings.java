package io.fulcrum.scale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an operator set on one autoscaled pool: paused, a size held until resume, members protected from
 * scale-in. A node of its own keeps them in a file ({@link OperatorSettingsFile}); a cluster keeps them in
 * the fleet's store ({@link ScaleFleet#readOperator}), where any member's admin API changes them and the
 * leader's scaler follows them.
 *
 * @param paused           whether automatic decisions are stopped
 * @param size             the size set by the operator, or null
 * @param protectedMembers members protected from scale-in
 */
public record OperatorSettings(boolean paused, Integer size, List<String> protectedMembers) {

    /** Nothing set: the policy alone decides. */
    public static final OperatorSettings NONE = new OperatorSettings(false, null, List.of());

    private static final ObjectMapper JSON = new ObjectMapper();

    public OperatorSettings {
        protectedMembers = protectedMembers == null ? List.of() : List.copyOf(protectedMembers);
    }

    /** Writes them into {@code into} ({@code paused}, {@code size} when set, {@code protected}). */
    ObjectNode writeTo(ObjectNode into) {
        into.put("paused", paused);
        if (size != null) {
            into.put("size", size);
        }
        protectedMembers.forEach(into.putArray("protected")::add);
        return into;
    }

    /** Reads what {@link #writeTo} wrote. */
    static OperatorSettings readFrom(JsonNode p) {
        List<String> protectedMembers = new ArrayList<>();
        p.path("protected").forEach(m -> protectedMembers.add(m.asText()));
        return new OperatorSettings(p.path("paused").asBoolean(), p.path("size").isInt() ? p.get("size").asInt() : null,
                protectedMembers);
    }

    /** As the fleet's store keeps them: one JSON object. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(writeTo(JSON.createObjectNode()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads what {@link #toJson} wrote; anything else is an {@link IllegalArgumentException}. */
    public static OperatorSettings fromJson(byte[] json) {
        try {
            JsonNode o = JSON.readTree(json);
            if (o == null || !o.isObject()) {
                throw new IllegalArgumentException("not the operator's settings: not a JSON object");
            }
            return readFrom(o);
        } catch (IOException e) {
            throw new IllegalArgumentException("not the operator's settings: " + e.getMessage(), e);
        }
    }

    /** How an event tells them. */
    String describe() {
        return (paused ? "paused" : "not paused") + (size == null ? "" : ", size " + size)
                + (protectedMembers.isEmpty() ? "" : ", protected " + String.join(", ", protectedMembers));
    }
}
