package io.fulcrum.admin.state;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.StickinessConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's changes as one key per changed thing (how a fleet's store keeps them, so
 * that a change rewrites only its own keys and a node restarted later reads them back):
 * <ul>
 *   <li>{@code backend/POOL/BACKEND}: the state and/or weight set on a backend ({@link StateData.BackendOverride})</li>
 *   <li>{@code added/POOL/BACKEND}: a backend added through the API ({@link BackendConfig})</li>
 *   <li>{@code removed/POOL/BACKEND}: a configured backend removed through the API</li>
 *   <li>{@code stickiness/LISTENER/ROUTE}: a route's stickiness</li>
 *   <li>{@code importance/POOL}: a pool's metric importance</li>
 * </ul>
 * Values are JSON; names are URL-encoded, so a name never splits a key.
 */
public final class StateKeys {

    private static final ObjectMapper JSON = AdminState.JSON.copy().disable(SerializationFeature.INDENT_OUTPUT);

    private StateKeys() {
    }

    /** {@code data} as keys and JSON values. */
    public static Map<String, String> keys(StateData data) {
        Map<String, String> out = new TreeMap<>();
        data.backends().forEach((pb, o) -> out.put("backend/" + pair(pb), json(o)));
        data.added().forEach((pool, list) -> list.forEach(b -> out.put("added/" + seg(pool) + "/" + seg(b.name()), json(b))));
        data.removed().forEach(pb -> out.put("removed/" + pair(pb), "{}"));
        data.stickiness().forEach((lr, s) -> out.put("stickiness/" + pair(lr), json(s)));
        data.importance().forEach((pool, m) -> out.put("importance/" + seg(pool), json(m)));
        return out;
    }

    /**
     * The state these keys hold. A key of an unknown kind or a value that cannot be read is
     * skipped (and reported through {@code problems}), never fatal: the rest still applies.
     */
    public static StateData data(Map<String, String> keys, List<String> problems) {
        Map<String, StateData.BackendOverride> backends = new LinkedHashMap<>();
        Map<String, List<BackendConfig>> added = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        Map<String, StickinessConfig> stickiness = new LinkedHashMap<>();
        Map<String, Map<String, Double>> importance = new LinkedHashMap<>();
        for (var e : new TreeMap<>(keys).entrySet()) {
            String[] parts = e.getKey().split("/", -1);
            try {
                switch (parts[0]) {
                    case "backend" -> backends.put(names(parts, 3), JSON.readValue(e.getValue(), StateData.BackendOverride.class));
                    case "added" -> {
                        names(parts, 3); // checks the shape
                        added.computeIfAbsent(URLDecoder.decode(parts[1], StandardCharsets.UTF_8), p -> new ArrayList<>())
                                .add(JSON.readValue(e.getValue(), BackendConfig.class));
                    }
                    case "removed" -> removed.add(names(parts, 3));
                    case "stickiness" -> stickiness.put(names(parts, 3), JSON.readValue(e.getValue(), StickinessConfig.class));
                    case "importance" -> importance.put(names(parts, 2),
                            JSON.readValue(e.getValue(), new TypeReference<Map<String, Double>>() { }));
                    default -> throw new IllegalArgumentException("unknown kind of key");
                }
            } catch (IOException | IllegalArgumentException ex) {
                problems.add(e.getKey() + ": " + ex.getMessage());
            }
        }
        return new StateData(backends, added, removed, stickiness, importance);
    }

    /** The decoded names of a key of {@code count} parts, joined by {@code /} (as {@link StateData} keys them). */
    private static String names(String[] parts, int count) {
        if (parts.length != count) {
            throw new IllegalArgumentException("expected " + (count - 1) + " names");
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            names.add(URLDecoder.decode(parts[i], StandardCharsets.UTF_8));
        }
        return String.join("/", names);
    }

    /** {@code pool/backend} (as {@link StateData} keys it) as two encoded segments. */
    private static String pair(String joined) {
        int slash = joined.indexOf('/');
        return seg(joined.substring(0, slash)) + "/" + seg(joined.substring(slash + 1));
    }

    private static String seg(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
