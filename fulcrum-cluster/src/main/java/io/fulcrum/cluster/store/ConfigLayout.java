package io.fulcrum.cluster.store;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import io.fulcrum.core.config.FulcrumConfig;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
 * YAML that loads to the same configuration. The YAML is carried as SnakeYAML's node graph,
 * never as resolved values, so every scalar is written back as it was written ({@code site: no}
 * stays the text {@code no}, a quoted {@code "42"} stays quoted) and reads the same.
 */
public final class ConfigLayout {

    /** Key prefix of the order keys, relative to the configuration prefix. */
    static final String ORDER = "order/";

    private static final List<String> SECTION_ORDER = sectionOrder();

    private ConfigLayout() {
    }

    /**
     * The keys and values of a configuration's YAML text.
     *
     * @throws IllegalArgumentException when the text is not a YAML mapping
     */
    public static Map<String, String> split(String yaml) {
        MappingNode root = mapping(yaml);
        Map<String, String> keys = new TreeMap<>();
        for (NodeTuple section : root.getValue()) {
            String name = text(section.getKeyNode());
            Node value = section.getValueNode();
            if (value instanceof SequenceNode list && splittable(list)) {
                putList(keys, name, list);
            } else if (value instanceof MappingNode object) {
                List<NodeTuple> rest = new ArrayList<>();
                for (NodeTuple field : object.getValue()) {
                    if (field.getValueNode() instanceof SequenceNode list && splittable(list)) {
                        putList(keys, name + "/" + text(field.getKeyNode()), list);
                    } else {
                        rest.add(field);
                    }
                }
                keys.put(name, write(map(rest)));
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
        Map<String, Node> sections = new TreeMap<>();
        Map<String, Map<String, Node>> lists = new TreeMap<>();
        Map<String, List<String>> orders = new TreeMap<>();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(ORDER)) {
                List<String> names = new ArrayList<>();
                if (read(e.getValue()) instanceof SequenceNode seq) {
                    seq.getValue().forEach(n -> names.add(text(n)));
                }
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
        for (Map.Entry<String, Map<String, Node>> list : lists.entrySet()) {
            List<Node> items = new ArrayList<>();
            Map<String, Node> byName = new LinkedHashMap<>(list.getValue());
            for (String name : orders.getOrDefault(list.getKey(), List.of())) {
                Node item = byName.remove(name);
                if (item != null) {
                    items.add(item);
                }
            }
            items.addAll(byName.values()); // objects the order key does not name yet: last
            SequenceNode array = new SequenceNode(Tag.SEQ, items, DumperOptions.FlowStyle.BLOCK);
            String path = list.getKey();
            int slash = path.indexOf('/');
            if (slash < 0) {
                sections.put(path, array);
            } else {
                Node section = sections.computeIfAbsent(path.substring(0, slash), k -> map(new ArrayList<>()));
                if (section instanceof MappingNode object) {
                    List<NodeTuple> fields = new ArrayList<>(object.getValue());
                    fields.add(new NodeTuple(scalar(path.substring(slash + 1)), array));
                    object.setValue(fields);
                }
            }
        }
        List<NodeTuple> root = new ArrayList<>();
        for (String name : SECTION_ORDER) {
            Node section = sections.remove(name);
            if (section != null) {
                root.add(new NodeTuple(scalar(name), section));
            }
        }
        sections.forEach((name, section) -> root.add(new NodeTuple(scalar(name), section))); // the loader names them
        return root.isEmpty() ? "" : write(map(root));
    }

    /**
     * A node's configuration: the store's sections, with each section its bootstrap file has in
     * place of the store's (the node's own: its {@code server} identity, its {@code admin} server,
     * its {@code store}, and for instance its own {@code listeners} when nodes bind different
     * addresses). The store's {@code store} section is never followed.
     */
    public static String overlay(String storeYaml, String bootstrapYaml) {
        Map<String, Node> store = sectionsOf(storeYaml);
        Map<String, Node> bootstrap = sectionsOf(bootstrapYaml);
        Set<String> names = new LinkedHashSet<>(SECTION_ORDER);
        names.addAll(store.keySet());
        names.addAll(bootstrap.keySet());
        List<NodeTuple> root = new ArrayList<>();
        for (String name : names) {
            Node value = bootstrap.containsKey(name) ? bootstrap.get(name) : "store".equals(name) ? null : store.get(name);
            if (value != null) {
                root.add(new NodeTuple(scalar(name), value));
            }
        }
        return write(map(root));
    }

    /** Only these top-level sections of a YAML mapping (in their order there). */
    public static String only(String yaml, Set<String> sections) {
        List<NodeTuple> kept = new ArrayList<>();
        for (NodeTuple t : mapping(yaml).getValue()) {
            if (sections.contains(text(t.getKeyNode()))) {
                kept.add(t);
            }
        }
        return write(map(kept));
    }

    /** The top-level section names of a YAML mapping. */
    public static Set<String> sections(String yaml) {
        return sectionsOf(yaml).keySet();
    }

    private static Map<String, Node> sectionsOf(String yaml) {
        Map<String, Node> m = new LinkedHashMap<>();
        if (yaml != null && !yaml.isBlank()) {
            mapping(yaml).getValue().forEach(t -> m.put(text(t.getKeyNode()), t.getValueNode()));
        }
        return m;
    }

    private static void putList(Map<String, String> keys, String path, SequenceNode list) {
        List<Node> order = new ArrayList<>();
        for (Node item : list.getValue()) {
            String name = nameOf(item);
            order.add(scalar(name));
            keys.put(path + "/" + encode(name), write(item));
        }
        keys.put(ORDER + path, write(new SequenceNode(Tag.SEQ, order, DumperOptions.FlowStyle.BLOCK)));
    }

    /** A list is split when it is not empty and each object has a name no other has. */
    private static boolean splittable(SequenceNode list) {
        if (list.getValue().isEmpty()) {
            return false;
        }
        Set<String> names = new HashSet<>();
        for (Node item : list.getValue()) {
            String name = nameOf(item);
            if (name == null || name.isEmpty() || !names.add(name)) {
                return false;
            }
        }
        return true;
    }

    /** The scalar {@code name} of a mapping, or {@code null}. */
    private static String nameOf(Node item) {
        if (item instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if ("name".equals(text(t.getKeyNode())) && t.getValueNode() instanceof ScalarNode s) {
                    return s.getValue();
                }
            }
        }
        return null;
    }

    private static MappingNode mapping(String yaml) {
        Node node = read(yaml);
        if (node == null) {
            return map(new ArrayList<>());
        }
        if (!(node instanceof MappingNode m)) {
            throw new IllegalArgumentException("a configuration is a YAML mapping of sections");
        }
        return m;
    }

    private static Node read(String yaml) {
        try {
            return yaml().compose(new StringReader(yaml == null ? "" : yaml));
        } catch (RuntimeException e) { // SnakeYAML's YAMLException and its kin
            throw new IllegalArgumentException("not YAML: " + e.getMessage(), e);
        }
    }

    private static String write(Node node) {
        StringWriter out = new StringWriter();
        yaml().serialize(node, out);
        return out.toString();
    }

    /** A new SnakeYAML engine each time: it is not thread-safe, and these are cheap. */
    private static Yaml yaml() {
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        dump.setWidth(Integer.MAX_VALUE); // a long value stays on one line
        LoaderOptions load = new LoaderOptions();
        load.setAllowDuplicateKeys(true); // the loader reports them, at their line
        return new Yaml(load, dump);
    }

    private static MappingNode map(List<NodeTuple> tuples) {
        return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK);
    }

    private static ScalarNode scalar(String text) {
        return new ScalarNode(Tag.STR, text, null, null, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
    }

    private static String text(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : String.valueOf(node);
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
