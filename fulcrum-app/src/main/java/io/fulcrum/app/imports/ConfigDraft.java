package io.fulcrum.app.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.Set;

/**
 * The Fulcrum configuration an import builds, as the tree the YAML file will hold: only the
 * fields the source set are written, everything else keeps Fulcrum's default. Field names are
 * those of the configuration records ({@code io.fulcrum.core.config}) and docs/configuration.md.
 */
public final class ConfigDraft {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode server = NODES.objectNode();
    private final ObjectNode accessLog = NODES.objectNode();
    private final ArrayNode listeners = NODES.arrayNode();
    private final ArrayNode pools = NODES.arrayNode();
    private final ArrayNode virtualServices = NODES.arrayNode();
    private final Set<String> listenerNames = new HashSet<>();
    private final Set<String> serviceNames = new HashSet<>();

    /** The {@code server} section (written only when something is set in it). */
    public ObjectNode server() {
        return server;
    }

    /** The {@code accessLog} section (written only when something is set in it). */
    public ObjectNode accessLog() {
        return accessLog;
    }

    /** A new, empty mapping to fill in and place in the draft. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** A new, empty list. */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /**
     * Adds a listener named {@code name}, or {@code name-2}, {@code name-3}... when the name is
     * taken (one source section can give several listeners, one per address).
     */
    public ObjectNode addListener(String name, String bind) {
        ObjectNode l = listeners.addObject();
        l.put("name", unique(name, listenerNames));
        l.put("bind", bind);
        return l;
    }

    /** Adds an L4 virtual service with a unique name (as {@link #addListener}). */
    public ObjectNode addVirtualService(String name) {
        ObjectNode vs = virtualServices.addObject();
        vs.put("name", unique(name, serviceNames));
        return vs;
    }

    /** The pool with this name, or null. */
    public ObjectNode pool(String name) {
        for (var p : pools) {
            if (p.path("name").asText().equals(name)) {
                return (ObjectNode) p;
            }
        }
        return null;
    }

    /** Adds a pool; the caller makes sure the name is new. */
    public ObjectNode addPool(String name) {
        ObjectNode p = pools.addObject();
        p.put("name", name);
        return p;
    }

    /** Whether anything accepts traffic (a listener or a virtual service): Fulcrum needs one. */
    public boolean servesTraffic() {
        return !listeners.isEmpty() || !virtualServices.isEmpty();
    }

    /** The whole configuration, in the order docs/configuration.md describes it. */
    public ObjectNode tree() {
        ObjectNode root = NODES.objectNode();
        if (!server.isEmpty()) {
            root.set("server", server);
        }
        if (!accessLog.isEmpty()) {
            root.set("accessLog", accessLog);
        }
        if (!listeners.isEmpty()) {
            root.set("listeners", listeners);
        }
        if (!pools.isEmpty()) {
            root.set("pools", pools);
        }
        if (!virtualServices.isEmpty()) {
            root.set("virtualServices", virtualServices);
        }
        return root;
    }

    /** {@code name}, else the first of {@code name-2}, {@code name-3}... not yet taken. */
    static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int n = 2; !taken.add(candidate); n++) {
            candidate = name + "-" + n;
        }
        return candidate;
    }
}
