package io.fulcrum.control.config;

import io.fulcrum.control.config.YamlTree.Entry;
import io.fulcrum.control.config.YamlTree.ListNode;
import io.fulcrum.control.config.YamlTree.Loc;
import io.fulcrum.control.config.YamlTree.MapNode;
import io.fulcrum.control.config.YamlTree.Node;
import io.fulcrum.control.config.YamlTree.ScalarNode;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.MovedField;
import io.fulcrum.core.config.PortOptional;
import io.fulcrum.core.config.ShortForm;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionRegistry;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds a {@link YamlTree} to the configuration records, by reflection over their record
 * components: a component's name is its YAML key, its type says how the value is read,
 * and the canonical constructor (with {@code null} for anything absent) applies the
 * defaults. Nothing stops at the first problem: a value that cannot be read is reported
 * and left to its default, so that one pass finds every binding error.
 *
 * <p>Supported component types: {@code String}, {@code Integer}, {@code Long},
 * {@code Double}, {@code Boolean}, {@code Duration} (see {@link ConfigUnits}), {@link HostPort} (from
 * {@code "host:port"}), {@code List<T>}, {@code Map<String, T>}, nested records and
 * {@link ExtensionConfig} (an extension by name, alone or mapped to its settings, whose
 * record type its kind's {@link ExtensionRegistry} gives). {@code Integer}/{@code Long}
 * components whose name ends in {@code Bytes} take byte sizes ({@code 16k}).
 *
 * <p>Every path bound is recorded in a {@link SourceMap} for later (semantic) errors.
 */
final class RecordBinder {

    private static final int MAX_SHOWN = 40;

    /** Address components Fulcrum listens on (any other {@link HostPort} is connected to). */
    private static final Set<String> LISTEN_FIELDS = Set.of("bind", "listen");

    private final List<ConfigError> errors = new ArrayList<>();
    private final List<String> failedPaths = new ArrayList<>();
    private final SourceMap sources = new SourceMap();

    List<ConfigError> errors() {
        return errors;
    }

    SourceMap sources() {
        return sources;
    }

    /** Whether a binding error was reported at this path or at one of its ancestors. */
    boolean failedAtOrAbove(String path) {
        for (String f : failedPaths) {
            if (SourceMap.isUnder(path, f)) {
                return true;
            }
        }
        return false;
    }

    /** Binds the root mapping; the caller has checked that it is a mapping. */
    <T extends Record> T bindRoot(Class<T> type, MapNode root) {
        sources.put("", root.loc());
        T value = bindRecord(type, root, "");
        return value != null ? value : defaults(type);
    }

    private <T extends Record> T bindRecord(Class<T> type, Node node, String path) {
        if (node instanceof ScalarNode && type.isAnnotationPresent(ShortForm.class)) {
            return bindShortForm(type, node, path);
        }
        if (!(node instanceof MapNode map)) {
            error(path, node.loc(), "expected a mapping with the fields " + String.join(", ", fieldNames(type))
                    + ", got " + describe(node));
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < components.length; i++) {
            index.put(components[i].getName(), i);
        }
        Object[] args = new Object[components.length];
        Map<String, Loc> seen = new HashMap<>();
        for (Entry e : map.entries()) {
            String fieldPath = SourceMap.field(path, e.key());
            Loc first = seen.putIfAbsent(e.key(), e.keyLoc());
            if (first != null) {
                error(fieldPath, e.keyLoc(), "duplicate key \"" + e.key() + "\" (first written at line " + first.line() + ")");
                continue;
            }
            Integer i = index.get(e.key());
            if (i == null) {
                error(fieldPath, e.keyLoc(), unknownField(type, e.key()));
                if (moved(type, e.key())) {
                    // Written in the old layout: what the record's checks would say follows from that.
                    failedPaths.add(path);
                }
                continue;
            }
            sources.put(fieldPath, e.value() instanceof ScalarNode ? e.value().loc() : e.keyLoc());
            RecordComponent c = components[i];
            args[i] = bindComponent(c, e.value(), fieldPath);
        }
        return construct(type, args, node, path);
    }

    /** A {@link ShortForm} record written as a plain value: that value is its first component. */
    private <T extends Record> T bindShortForm(Class<T> type, Node node, String path) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        String fieldPath = SourceMap.field(path, components[0].getName());
        sources.put(fieldPath, node.loc());
        args[0] = bindComponent(components[0], node, fieldPath);
        return construct(type, args, node, path);
    }

    private Object bindComponent(RecordComponent c, Node value, String fieldPath) {
        if (c.getType() == HostPort.class && c.isAnnotationPresent(PortOptional.class)) {
            return bindPortOptional(value, fieldPath);
        }
        return bindValue(c.getGenericType(), c.getName(), value, fieldPath);
    }

    private <T extends Record> T construct(Class<T> type, Object[] args, Node node, String path) {
        try {
            return canonicalConstructor(type).newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            error(path, node.loc(), "invalid: " + cause.getMessage());
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private Object bindValue(Type type, String name, Node node, String path) {
        if (node instanceof ScalarNode s && s.kind() == YamlTree.Kind.NULL) {
            return null;
        }
        Class<?> raw = raw(type);
        if (raw == String.class) {
            return bindString(node, path);
        }
        if (raw == Integer.class || raw == Long.class) {
            boolean isLong = raw == Long.class;
            Long value = name.endsWith("Bytes") ? bindSize(node, path, isLong) : bindInteger(node, path, isLong);
            if (value == null) {
                return null;
            }
            return isLong ? value : (Object) Math.toIntExact(value);
        }
        if (raw == Boolean.class) {
            return bindBoolean(node, path);
        }
        if (raw == Double.class) {
            return bindNumber(node, path);
        }
        if (raw == Duration.class) {
            return bindDuration(node, path);
        }
        if (raw == HostPort.class) {
            return bindHostPort(node, path, LISTEN_FIELDS.contains(name) ? HostPort.Use.LISTEN : HostPort.Use.CONNECT);
        }
        if (raw == List.class) {
            return bindList(((ParameterizedType) type).getActualTypeArguments()[0], name, node, path);
        }
        if (raw == Map.class) {
            return bindMap(((ParameterizedType) type).getActualTypeArguments()[1], name, node, path);
        }
        if (raw == ExtensionConfig.class) {
            return bindExtension(type, node, path);
        }
        if (Record.class.isAssignableFrom(raw)) {
            return bindRecord(raw.asSubclass(Record.class), node, path);
        }
        throw new IllegalStateException("unsupported configuration type " + type + " at " + path);
    }

    /**
     * An extension: its name alone ({@code algorithm: maglev}) or a mapping of its name to
     * its settings ({@code algorithm: {maglev: {tableSize: 65537}}}), the settings bound
     * as the record type its factory declares, at the path {@code <path>.<name>}.
     */
    private ExtensionConfig<?> bindExtension(Type type, Node node, String path) {
        Class<?> kind = raw(((ParameterizedType) type).getActualTypeArguments()[0]);
        @SuppressWarnings({"unchecked", "rawtypes"})
        ExtensionRegistry<ExtensionFactory<?>> registry = ExtensionRegistry.of((Class) kind);
        String name;
        Node settings = null;
        Loc nameLoc = node.loc();
        if (node instanceof ScalarNode s && s.kind() == YamlTree.Kind.STRING) {
            name = s.text();
        } else if (node instanceof MapNode map && map.entries().size() == 1) {
            Entry e = map.entries().getFirst();
            name = e.key();
            nameLoc = e.keyLoc();
            settings = e.value();
        } else {
            error(path, node.loc(), "expected the name of a " + registry.kind() + " (" + String.join(", ",
                    registry.names()) + "), or a mapping of one name to its settings, got " + describe(node));
            return null;
        }
        ExtensionFactory<?> factory = registry.find(name).orElse(null);
        if (factory == null) {
            error(path, nameLoc, registry.unknown(name, Suggestions.didYouMean(name, registry.names())));
            return null;
        }
        String settingsPath = SourceMap.field(path, name);
        sources.put(settingsPath, nameLoc);
        if (settings == null || settings instanceof ScalarNode n && n.kind() == YamlTree.Kind.NULL) {
            return ExtensionConfig.of(name);
        }
        // Settings equal to the defaults are kept as none, so that "maglev" and "{maglev: {}}" are equal.
        Record bound = bindRecord(factory.settingsType(), settings, settingsPath);
        return new ExtensionConfig<>(name, bound == null || bound.equals(factory.defaultSettings()) ? null : bound);
    }

    private String bindString(Node node, String path) {
        if (node instanceof ScalarNode s) {
            return s.text();
        }
        error(path, node.loc(), "expected a string, got " + describe(node));
        return null;
    }

    private Long bindInteger(Node node, String path, boolean isLong) {
        if (node instanceof ScalarNode s) {
            switch (s.kind()) {
                case INTEGER -> {
                    return inRange(s.integer(), isLong, path, node, "");
                }
                case FLOAT -> {
                    error(path, node.loc(), "expected a whole number, got " + s.text());
                    return null;
                }
                case STRING -> {
                    String hint = s.text().strip().matches("[-+]?\\d+") ? " (remove the quotes)" : "";
                    error(path, node.loc(), "expected a whole number, got " + describe(node) + hint);
                    return null;
                }
                default -> {
                }
            }
        }
        error(path, node.loc(), "expected a whole number, got " + describe(node));
        return null;
    }

    private Long bindSize(Node node, String path, boolean isLong) {
        if (node instanceof ScalarNode s) {
            switch (s.kind()) {
                case INTEGER -> {
                    return inRange(s.integer(), isLong, path, node, " bytes");
                }
                case STRING -> {
                    try {
                        return inRange(BigInteger.valueOf(ConfigUnits.parseByteSize(s.text())), isLong, path, node,
                                " bytes");
                    } catch (IllegalArgumentException e) {
                        error(path, node.loc(), e.getMessage());
                        return null;
                    }
                }
                default -> {
                }
            }
        }
        error(path, node.loc(), "expected a size (a number of bytes, or e.g. 16k, 1m, 1g), got " + describe(node));
        return null;
    }

    private Long inRange(BigInteger v, boolean isLong, String path, Node node, String unit) {
        long min = isLong ? Long.MIN_VALUE : Integer.MIN_VALUE;
        long max = isLong ? Long.MAX_VALUE : Integer.MAX_VALUE;
        if (v.compareTo(BigInteger.valueOf(max)) > 0) {
            error(path, node.loc(), "too large: at most " + max + unit + " (got " + v + ")");
            return null;
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0) {
            error(path, node.loc(), "too small (got " + v + ")");
            return null;
        }
        return v.longValue();
    }

    /** A number, whole or not ({@code 50}, {@code 0.75}); a quoted one is refused like a quoted integer. */
    private Double bindNumber(Node node, String path) {
        if (node instanceof ScalarNode s && s.kind() == YamlTree.Kind.INTEGER) {
            return s.integer().doubleValue();
        }
        if (node instanceof ScalarNode s && s.kind() == YamlTree.Kind.FLOAT) {
            try {
                double v = Double.parseDouble(s.text().replace("_", ""));
                if (Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException notPlain) {
                // .inf, .nan: not a usable number
            }
        }
        error(path, node.loc(), "expected a number, got " + describe(node));
        return null;
    }

    private Boolean bindBoolean(Node node, String path) {
        if (node instanceof ScalarNode s && s.kind() == YamlTree.Kind.BOOLEAN) {
            return s.bool();
        }
        error(path, node.loc(), "expected true or false, got " + describe(node));
        return null;
    }

    private Duration bindDuration(Node node, String path) {
        if (node instanceof ScalarNode s) {
            try {
                return ConfigUnits.parseDuration(s.text());
            } catch (IllegalArgumentException e) {
                error(path, node.loc(), e.getMessage());
                return null;
            }
        }
        error(path, node.loc(), "expected a duration such as 10s or 250ms, got " + describe(node));
        return null;
    }

    /**
     * A {@code host:port} string, parsed here once for every address field of the
     * configuration; only a field that is listened on may name every interface.
     */
    private HostPort bindHostPort(Node node, String path, HostPort.Use use) {
        if (node instanceof ScalarNode s && s.kind() == YamlTree.Kind.STRING) {
            try {
                return HostPort.parse(s.text(), use);
            } catch (IllegalArgumentException e) {
                error(path, node.loc(), e.getMessage());
                return null;
            }
        }
        error(path, node.loc(), "expected host:port (e.g. 10.0.0.5:8080, [::1]:53), got " + describe(node));
        return null;
    }

    /** A {@link PortOptional} address: {@code host:port} or the host alone (port 0). */
    private HostPort bindPortOptional(Node node, String path) {
        if (node instanceof ScalarNode s && s.kind() == YamlTree.Kind.STRING) {
            try {
                return HostPort.parsePortOptional(s.text());
            } catch (IllegalArgumentException e) {
                error(path, node.loc(), e.getMessage());
                return null;
            }
        }
        error(path, node.loc(), "expected an address (e.g. 192.0.2.10, 192.0.2.10:80, [2001:db8::1]:443), got "
                + describe(node));
        return null;
    }

    private List<Object> bindList(Type elementType, String name, Node node, String path) {
        if (!(node instanceof ListNode list)) {
            error(path, node.loc(), "expected a list, got " + describe(node));
            return null;
        }
        Class<?> elementClass = raw(elementType);
        List<Object> out = new ArrayList<>(list.items().size());
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            String itemPath = SourceMap.index(path, i);
            sources.put(itemPath, item.loc());
            Object value;
            if (item instanceof ScalarNode s && s.kind() == YamlTree.Kind.NULL) {
                error(itemPath, item.loc(), "empty list entry");
                value = null;
            } else {
                value = bindValue(elementType, name, item, itemPath);
            }
            if (value == null && Record.class.isAssignableFrom(elementClass) && elementClass != HostPort.class) {
                // Keep the indexes of the following entries (and their paths) as written.
                value = defaults(elementClass.asSubclass(Record.class));
            }
            if (value != null) {
                out.add(value);
            } else {
                failedPaths.add(path);
            }
        }
        return out;
    }

    private Map<String, Object> bindMap(Type valueType, String name, Node node, String path) {
        if (!(node instanceof MapNode map)) {
            error(path, node.loc(), "expected a mapping of names to values, got " + describe(node));
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Entry e : map.entries()) {
            String entryPath = SourceMap.field(path, e.key());
            if (!seen.add(e.key())) {
                error(entryPath, e.keyLoc(), "duplicate key \"" + e.key() + "\"");
                continue;
            }
            sources.put(entryPath, e.value().loc());
            if (e.value() instanceof ScalarNode s && s.kind() != YamlTree.Kind.NULL) {
                Object value = valueType == String.class ? s.text() : bindValue(valueType, name, s, entryPath);
                if (value != null) {
                    out.put(e.key(), value);
                }
            } else {
                error(entryPath, e.value() instanceof ScalarNode ? e.keyLoc() : e.value().loc(),
                        "expected a value (a string), got " + describe(e.value()));
            }
        }
        return out;
    }

    private void error(String path, Loc loc, String message) {
        errors.add(new ConfigError(path, loc.line(), loc.column(), message));
        failedPaths.add(path);
    }

    /** Whether {@code key} is a field the record no longer has because it moved ({@link MovedField}). */
    private static boolean moved(Class<? extends Record> type, String key) {
        MovedField moved = type.getAnnotation(MovedField.class);
        return moved != null && moved.name().equals(key);
    }

    private static String unknownField(Class<? extends Record> type, String key) {
        if (key.equals("<<")) {
            return "YAML merge keys (<<) are not supported; write the fields out in full";
        }
        if (moved(type, key)) {
            return "\"" + key + "\" is no longer written here: it moved to " + type.getAnnotation(MovedField.class).movedTo();
        }
        List<String> names = fieldNames(type);
        String close = Suggestions.closest(key, names);
        if (close != null) {
            return "unknown field \"" + key + "\" (did you mean \"" + close + "\"?)";
        }
        // A field written one level too high, e.g. pathPrefix directly under a route instead of under match.
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType().isRecord()) {
                List<String> nested = fieldNames(c.getType().asSubclass(Record.class));
                String inner = Suggestions.closest(key, nested);
                if (inner != null && inner.equals(key)) {
                    return "unknown field \"" + key + "\" here (did you mean to write it under \"" + c.getName()
                            + "\", as " + c.getName() + "." + key + "?)";
                }
            }
        }
        return "unknown field \"" + key + "\"; valid fields: " + String.join(", ", names);
    }

    static List<String> fieldNames(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    static String describe(Node node) {
        return switch (node) {
            case MapNode m -> "a mapping";
            case ListNode l -> "a list";
            case ScalarNode s -> switch (s.kind()) {
                case NULL -> "nothing";
                case STRING -> s.text().isEmpty() ? "an empty value" : "the string \"" + shorten(s.text()) + "\"";
                case INTEGER, FLOAT -> "the number " + shorten(s.text());
                case BOOLEAN -> "the boolean " + s.text();
            };
        };
    }

    private static String shorten(String s) {
        return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
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

    private static <T extends Record> T defaults(Class<T> type) {
        try {
            return canonicalConstructor(type).newInstance(new Object[type.getRecordComponents().length]);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build default " + type.getSimpleName(), e);
        }
    }

    private static <T extends Record> Constructor<T> canonicalConstructor(Class<T> type) throws NoSuchMethodException {
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        return type.getDeclaredConstructor(types);
    }
}
