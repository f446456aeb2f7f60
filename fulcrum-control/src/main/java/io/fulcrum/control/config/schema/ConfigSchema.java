package io.fulcrum.control.config.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PortOptional;
import io.fulcrum.core.config.Required;
import io.fulcrum.core.config.ShortForm;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionRegistry;

import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Generates the JSON Schema (draft 2020-12) of the configuration file by walking the
 * configuration records from {@link FulcrumConfig}, reading each component as the
 * configuration loader's binder reads it: a component's name is its key, its Java type its
 * JSON type, a {@link ShortForm} record may be written as its first value, an
 * {@link ExtensionConfig} is one of the names its kind has registered (alone, or mapped to
 * that extension's settings record), a {@link Required} component is required. Records and
 * fields are described by their Javadoc where its source is shipped ({@link RecordDocs}).
 *
 * <p>The schema describes the shape of the file as the loader accepts it, no stricter:
 * any field may be written with no value (its default), any value may be a
 * {@code ${NAME}} reference, strings take any scalar, booleans take the YAML 1.1 spellings.
 * Rules between fields stay {@code fulcrum validate}'s.
 *
 * <p>The output is deterministic (record components in declaration order, extension names
 * sorted), so the shipped copy can be compared with a fresh one.
 */
public final class ConfigSchema {

    /** The draft this schema is written in. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String VARIABLE_DEF = "variableReference";

    /** Durations as {@code ConfigUnits.parseDuration} reads them: unit parts, or ISO-8601. */
    static final String DURATION_PATTERN = "^\\s*-?(([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+|[Pp]\\S+)\\s*$";
    /** Sizes as {@code ConfigUnits.parseByteSize} reads them. */
    static final String SIZE_PATTERN = "^\\s*[0-9]+\\s*(([kKmMgG]([iI]?[bB])?)|[bB])?\\s*$";
    /** A value holding a {@code ${NAME}} or {@code ${NAME:-default}} reference. */
    static final String VARIABLE_PATTERN = "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}";
    /** The YAML 1.1 spellings of booleans that the loader reads as booleans. */
    private static final List<String> YAML11_BOOLEANS = List.of("yes", "Yes", "YES", "no", "No", "NO",
            "on", "On", "ON", "off", "Off", "OFF", "True", "TRUE", "False", "FALSE");

    /** The address components Fulcrum listens on; the binder's rule. */
    private static final Set<String> LISTEN_FIELDS = Set.of("bind", "listen");

    private final Function<Class<?>, ExtensionRegistry<?>> registries;
    private final RecordDocs docs = new RecordDocs();
    private final ObjectNode defs = JSON.objectNode();
    private final Map<Class<?>, String> defNames = new HashMap<>();
    private final Map<String, Class<?>> defOwners = new LinkedHashMap<>();

    private ConfigSchema(Function<Class<?>, ExtensionRegistry<?>> registries) {
        this.registries = registries;
    }

    /** The schema, with the extensions registered on this class path. */
    public static ObjectNode generate() {
        return generate(ConfigSchema::registryOf);
    }

    /**
     * The schema, with the extensions of these registries.
     *
     * @param registries the registry of each extension kind interface (e.g. {@code BalancerFactory})
     */
    public static ObjectNode generate(Function<Class<?>, ExtensionRegistry<?>> registries) {
        return new ConfigSchema(registries).root();
    }

    /** The schema as pretty-printed JSON text, ending with a newline: what is shipped and served. */
    public static String generateText() {
        return toText(generate());
    }

    /** A schema as the pretty-printed JSON text it is shipped as. */
    public static String toText(ObjectNode schema) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(schema) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ExtensionRegistry<?> registryOf(Class<?> kind) {
        return ExtensionRegistry.of((Class) kind);
    }

    private ObjectNode root() {
        ObjectNode root = JSON.objectNode();
        root.put("$schema", DIALECT);
        root.put("title", "Fulcrum configuration");
        String description = "The YAML configuration file of Fulcrum (see docs/configuration.md). Generated from"
                + " the configuration records: `fulcrum schema` prints it. The rules between fields are checked by"
                + " `fulcrum validate`.";
        root.put("description", description);
        root.setAll(recordObject(FulcrumConfig.class));
        root.put("description", description); // the file's, not the root record's
        ObjectNode variable = JSON.objectNode();
        variable.put("type", "string");
        variable.put("pattern", VARIABLE_PATTERN);
        variable.put("description", "A value read from the environment when the file is loaded: ${NAME} or"
                + " ${NAME:-default} ($${ is a literal ${).");
        defs.set(VARIABLE_DEF, variable);
        root.set("$defs", defs);
        return root;
    }

    /** The object schema of a record: its components as properties, nothing else allowed. */
    private ObjectNode recordObject(Class<?> type) {
        RecordDocs.Doc doc = docs.of(type);
        ObjectNode o = JSON.objectNode();
        if (!doc.summary().isEmpty()) {
            o.put("description", doc.summary());
        }
        o.put("type", "object");
        ObjectNode properties = o.putObject("properties");
        ArrayNode required = JSON.arrayNode();
        for (RecordComponent c : type.getRecordComponents()) {
            ObjectNode value = component(c);
            if (c.isAnnotationPresent(Required.class)) {
                required.add(c.getName());
            } else {
                value = nullable(value);
            }
            properties.set(c.getName(), withFieldDoc(value, doc.params().get(c.getName())));
        }
        if (!required.isEmpty()) {
            o.set("required", required);
        }
        o.put("additionalProperties", false);
        return o;
    }

    private ObjectNode component(RecordComponent c) {
        if (c.getType() == HostPort.class && c.isAnnotationPresent(PortOptional.class)) {
            return described(string(), "An address, with or without a port: 192.0.2.10, 192.0.2.10:80,"
                    + " [2001:db8::1]:443.");
        }
        return value(c.getGenericType(), c.getName());
    }

    private ObjectNode value(Type type, String name) {
        Class<?> raw = raw(type);
        if (raw == String.class) {
            return anyScalar();
        }
        if (raw == Integer.class || raw == Long.class) {
            if (name.endsWith("Bytes")) {
                ObjectNode sizeText = string();
                sizeText.put("pattern", SIZE_PATTERN);
                return described(orVariable(JSON.objectNode().put("type", "integer"), sizeText),
                        "A size: a number of bytes, or a number followed by k, m or g (powers of 1024).");
            }
            return orVariable(JSON.objectNode().put("type", "integer"));
        }
        if (raw == Double.class || raw == Float.class) {
            return orVariable(JSON.objectNode().put("type", "number"));
        }
        if (raw == Boolean.class) {
            ObjectNode spellings = JSON.objectNode();
            ArrayNode e = spellings.putArray("enum");
            YAML11_BOOLEANS.forEach(e::add);
            return orVariable(JSON.objectNode().put("type", "boolean"), spellings);
        }
        if (raw == Duration.class) {
            ObjectNode d = string();
            d.put("pattern", DURATION_PATTERN);
            return described(orVariable(d), "A duration: a number and a unit (ms, s, m, h, d), several in a row"
                    + " (1h30m), or ISO-8601 (PT10S). A bare number is refused.");
        }
        if (raw == HostPort.class) {
            return described(string(), LISTEN_FIELDS.contains(name)
                    ? "host:port to listen on (0.0.0.0:8080, [::]:53, 127.0.0.1:0 for any free port)."
                    : "host:port to connect to (10.0.0.5:8080, app.internal:80, [fd00::5]:8080).");
        }
        if (raw == List.class) {
            ObjectNode a = JSON.objectNode();
            a.put("type", "array");
            a.set("items", value(((ParameterizedType) type).getActualTypeArguments()[0], name));
            return a;
        }
        if (raw == Map.class) {
            ObjectNode m = JSON.objectNode();
            m.put("type", "object");
            m.set("additionalProperties", value(((ParameterizedType) type).getActualTypeArguments()[1], name));
            return m;
        }
        if (raw == ExtensionConfig.class) {
            return extension(raw(((ParameterizedType) type).getActualTypeArguments()[0]));
        }
        if (raw.isRecord()) {
            return ref(raw);
        }
        throw new IllegalStateException("no schema for configuration type " + type + " (" + name + ")");
    }

    /**
     * An extension: one of its kind's names, or a mapping of exactly one name to that
     * extension's settings.
     */
    private ObjectNode extension(Class<?> kind) {
        ExtensionRegistry<?> registry = registries.apply(kind);
        ObjectNode byName = JSON.objectNode();
        ArrayNode names = byName.putArray("enum");
        ObjectNode withSettings = JSON.objectNode();
        withSettings.put("type", "object");
        ObjectNode properties = withSettings.putObject("properties");
        for (String n : registry.names()) {
            names.add(n);
            ExtensionFactory<?> factory = registry.find(n).orElseThrow();
            // One with no settings still takes an empty mapping ({round-robin: {}}), as the binder does.
            properties.set(n, nullable(ref(factory.settingsType())));
        }
        withSettings.put("minProperties", 1);
        withSettings.put("maxProperties", 1);
        withSettings.put("additionalProperties", false);
        ObjectNode any = JSON.objectNode();
        any.putArray("anyOf").add(byName).add(withSettings);
        return described(any, "A " + registry.kind() + " by name (" + String.join(", ", registry.names())
                + "), or a mapping of one name to its settings.");
    }

    /** A reference to the definition of a record, written once under {@code $defs}. */
    private ObjectNode ref(Class<?> record) {
        String name = defNames.get(record);
        if (name == null) {
            name = defName(record);
            defNames.put(record, name);
            defOwners.put(name, record);
            defs.putObject(name); // reserved first: records may refer to themselves
            ObjectNode body = recordObject(record);
            if (record.isAnnotationPresent(ShortForm.class)) {
                RecordComponent first = record.getRecordComponents()[0];
                ObjectNode shortForm = JSON.objectNode();
                shortForm.putArray("anyOf").add(body).add(component(first));
                body = described(shortForm, "Written in full, or as its " + first.getName() + " alone.");
            }
            defs.set(name, body);
        }
        return JSON.objectNode().put("$ref", "#/$defs/" + name);
    }

    /** The record's name in {@code $defs}: its simple name (with its enclosing class's), unique. */
    private String defName(Class<?> record) {
        String simple = record.getName().substring(record.getPackageName().length() + 1).replace('$', '.');
        String name = simple;
        for (int i = 2; defOwners.containsKey(name) || name.equals(VARIABLE_DEF); i++) {
            name = simple + i;
        }
        return name;
    }

    private static ObjectNode string() {
        return JSON.objectNode().put("type", "string");
    }

    /** What a string component takes: any scalar, kept as written (site: no is the text "no"). */
    private static ObjectNode anyScalar() {
        ObjectNode s = JSON.objectNode();
        s.putArray("type").add("string").add("number").add("boolean");
        return s;
    }

    private static ObjectNode orVariable(ObjectNode... schemas) {
        ObjectNode any = JSON.objectNode();
        ArrayNode options = any.putArray("anyOf");
        for (ObjectNode s : schemas) {
            options.add(s);
        }
        options.add(JSON.objectNode().put("$ref", "#/$defs/" + VARIABLE_DEF));
        return any;
    }

    /** Also nothing at all: a field written with no value takes its default. */
    private static ObjectNode nullable(ObjectNode schema) {
        if (schema.get("type") instanceof ArrayNode) {
            ObjectNode copy = schema.deepCopy();
            ((ArrayNode) copy.get("type")).add("null");
            return copy;
        }
        if (schema.has("anyOf") && schema.size() <= 2) {
            ObjectNode copy = schema.deepCopy();
            ((ArrayNode) copy.get("anyOf")).add(JSON.objectNode().put("type", "null"));
            return copy;
        }
        ObjectNode any = JSON.objectNode();
        any.putArray("anyOf").add(schema).add(JSON.objectNode().put("type", "null"));
        return any;
    }

    /** The field's own description first, then what its type's says (a duration's format...). */
    private static ObjectNode withFieldDoc(ObjectNode schema, String fieldDoc) {
        if (fieldDoc == null || fieldDoc.isEmpty()) {
            return schema;
        }
        ObjectNode out = schema.deepCopy();
        String typeDoc = schema.path("description").asText("");
        out.put("description", typeDoc.isEmpty() ? fieldDoc : fieldDoc + "\n\n" + typeDoc);
        return out;
    }

    private static ObjectNode described(ObjectNode schema, String description) {
        schema.put("description", description);
        return schema;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported configuration type " + type);
    }
}
