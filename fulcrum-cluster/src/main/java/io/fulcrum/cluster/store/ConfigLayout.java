package io.fulcrum.cluster.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fulcrum.core.config.FulcrumConfig;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a configuration is laid out in the store: one value per section and per named
 * object, so that changing one pool rewrites one key and the nodes' watch sees only it.
 *
 * <p>Keys are relative to the store's {@code config/} prefix:
 * <ul>
 *   <li>{@code SECTION}: a section as a whole ({@code server}, {@code gslb}), less the lists it splits;</li>
 *   <li>{@code SECTION/NAME}: one object of a top-level list whose objects all have distinct
 *       names ({@code pools/web}, {@code listeners/public}, {@code virtualServices/vip1});</li>
 *   <li>{@code SECTION/FIELD/NAME}: one object of such a list inside a section
 *       ({@code dns/zones/example.com}, {@code dns/gslb/www.example.com});</li>
 *   <li>{@code order/SECTION[/FIELD]}: the names of a split list in their order (a list keeps
 *       its order: an added or removed object also rewrites this key).</li>
 * </ul>
 * Each value is the YAML of its part. Names are URL-encoded in keys ({@code /} would split them).
 * A list whose objects do not all have distinct names is kept whole in its section's key.
 *
 * <p>{@link #split} and {@link #assemble} are inverse: assembling the keys of a split gives
 * YAML that loads to the same configuration.
 */
public final class ConfigLayout {

    /** Key prefix of the order keys, relative to the configuration prefix. */
    static final String ORDER = "order/";

    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
            .build();
    private static final List<String> SECTION_ORDER = sectionOrder();

    private ConfigLayout() {
    }

    /**
     * The keys and values of a configuration's YAML text.
     *
     * @throws IllegalArgumentException when the text is not a YAML mapping
     */
    public static Map<String, String> split(String yaml) {
        JsonNode root = read(yaml);
        if (!(root instanceof ObjectNode)) {
            throw new IllegalArgumentException("a configuration is a YAML mapping of sections");
        }
        Map<String, String> keys = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            String name = section.getKey();
            JsonNode value = section.getValue();
            if (value instanceof ArrayNode list && splittable(list)) {
                putList(keys, name, list);
            } else if (value instanceof ObjectNode object) {
                ObjectNode rest = object.deepCopy();
                for (Iterator<Map.Entry<String, JsonNode>> f = object.fields(); f.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = f.next();
                    if (field.getValue() instanceof ArrayNode list && splittable(list)) {
                        putList(keys, name + "/" + field.getKey(), list);
                        rest.remove(field.getKey());
                    }
                }
                keys.put(name, write(rest));
            } else {
                keys.put(name, write(value));
            }
        }
        return keys;
    }

    /**
     * The YAML text of a configuration from its keys (as {@link #split} made them), sections in
     * the order of {@link FulcrumConfig}'s components.
     *
     * @throws IllegalArgumentException when a value is not YAML
     */
    public static String assemble(Map<String, String> keys) {
        Map<String, JsonNode> sections = new TreeMap<>();
        Map<String, Map<String, JsonNode>> lists = new TreeMap<>();
        Map<String, List<String>> orders = new TreeMap<>();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(ORDER)) {
                List<String> names = new ArrayList<>();
                read(e.getValue()).forEach(n -> names.add(n.asText()));
                orders.put(key.substring(ORDER.length()), names);
                continue;
            }
            int slash = key.lastIndexOf('/');
            if (slash < 0) {
                sections.put(key, read(e.getValue()));
            } else {
                lists.computeIfAbsent(key.substring(0, slash), k -> new LinkedHashMap<>())
                        .put(decode(key.substring(slash + 1)), read(e.getValue()));
            }
        }
        for (Map.Entry<String, Map<String, JsonNode>> list : lists.entrySet()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            Map<String, JsonNode> byName = new LinkedHashMap<>(list.getValue());
            for (String name : orders.getOrDefault(list.getKey(), List.of())) {
                JsonNode item = byName.remove(name);
                if (item != null) {
                    array.add(item);
                }
            }
            byName.values().forEach(array::add); // objects the order key does not name yet: last
            String path = list.getKey();
            int slash = path.indexOf('/');
            if (slash < 0) {
                sections.put(path, array);
            } else {
                JsonNode section = sections.computeIfAbsent(path.substring(0, slash),
                        k -> JsonNodeFactory.instance.objectNode());
                if (section instanceof ObjectNode object) {
                    object.set(path.substring(slash + 1), array);
                }
            }
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (String name : SECTION_ORDER) {
            JsonNode section = sections.remove(name);
            if (section != null) {
                root.set(name, section);
            }
        }
        sections.forEach(root::set); // unknown sections: the loader names them
        return root.isEmpty() ? "" : write(root);
    }

    /**
     * A node's configuration: the store's sections, with each section its bootstrap file has in
     * place of the store's (the node's own: its {@code server} identity, its {@code admin} server,
     * its {@code store}, and for instance its own {@code listeners} when nodes bind different
     * addresses). The store's {@code store} section is never followed.
     */
    public static String overlay(String storeYaml, String bootstrapYaml) {
        JsonNode store = storeYaml == null || storeYaml.isBlank() ? JsonNodeFactory.instance.objectNode() : read(storeYaml);
        JsonNode bootstrap = bootstrapYaml == null || bootstrapYaml.isBlank() ? JsonNodeFactory.instance.objectNode()
                : read(bootstrapYaml);
        Set<String> names = new java.util.LinkedHashSet<>(SECTION_ORDER);
        store.fieldNames().forEachRemaining(names::add);
        bootstrap.fieldNames().forEachRemaining(names::add);
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (String name : names) {
            JsonNode value = bootstrap.has(name) ? bootstrap.get(name) : "store".equals(name) ? null : store.get(name);
            if (value != null) {
                root.set(name, value);
            }
        }
        return write(root);
    }

    /** Only these top-level sections of a YAML mapping (in their order there). */
    public static String only(String yaml, Set<String> sections) {
        JsonNode root = read(yaml);
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        root.fieldNames().forEachRemaining(name -> {
            if (sections.contains(name)) {
                kept.set(name, root.get(name));
            }
        });
        return write(kept);
    }

    /** The top-level section names of a YAML mapping. */
    public static Set<String> sections(String yaml) {
        Set<String> names = new HashSet<>();
        read(yaml).fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void putList(Map<String, String> keys, String path, ArrayNode list) {
        ArrayNode order = JsonNodeFactory.instance.arrayNode();
        for (JsonNode item : list) {
            String name = item.get("name").asText();
            order.add(name);
            keys.put(path + "/" + encode(name), write(item));
        }
        keys.put(ORDER + path, write(order));
    }

    /** A list is split when it is not empty and each object has a name no other has. */
    private static boolean splittable(ArrayNode list) {
        if (list.isEmpty()) {
            return false;
        }
        Set<String> names = new HashSet<>();
        for (JsonNode item : list) {
            JsonNode name = item.get("name");
            if (!(item instanceof ObjectNode) || name == null || !name.isValueNode() || name.asText().isEmpty()
                    || !names.add(name.asText())) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode read(String yaml) {
        try {
            JsonNode node = YAML.readTree(yaml == null ? "" : yaml);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static String decode(String name) {
        return URLDecoder.decode(name, StandardCharsets.UTF_8);
    }

    private static List<String> sectionOrder() {
        List<String> names = new ArrayList<>();
        for (var c : FulcrumConfig.class.getRecordComponents()) {
            names.add(c.getName());
        }
        return List.copyOf(names);
    }
}
