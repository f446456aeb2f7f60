package io.fulcrum.core.extension;

import io.fulcrum.core.config.InvalidFieldException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The extensions of one kind, by name: the single owner of that kind's names.
 *
 * <p>{@link #of(Class)} discovers the factories of a kind once per class loader with
 * {@link ServiceLoader} (every {@code META-INF/services/<kind interface>} file on the
 * class path: the built-in ones and any added by another jar or a test class path).
 * Two factories with one name are refused: the registry cannot be built, naming both.
 * An unknown name is answered with the list of the known ones.
 *
 * <p>Immutable and thread-safe once built.
 *
 * @param <F> the kind: the factory interface, marked with {@link ExtensionPoint}
 */
public final class ExtensionRegistry<F extends ExtensionFactory<?>> {

    private static final Map<Key, ExtensionRegistry<?>> DISCOVERED = new ConcurrentHashMap<>();

    private final String kind;
    private final Map<String, F> byName;

    private ExtensionRegistry(String kind, Map<String, F> byName) {
        this.kind = kind;
        this.byName = Collections.unmodifiableMap(byName);
    }

    /**
     * The registry of a kind, its factories discovered with {@link ServiceLoader} on the
     * current thread's context class loader (once; later calls return the same registry).
     *
     * @param kindType the factory interface, annotated with {@link ExtensionPoint} (its raw class:
     *                 {@code ExtensionRegistry<BalancerFactory<?>> r = ExtensionRegistry.of(BalancerFactory.class)})
     * @throws IllegalStateException if two factories share a name, a name is blank, or a
     *                               listed factory cannot be loaded
     */
    @SuppressWarnings("unchecked")
    public static <F extends ExtensionFactory<?>> ExtensionRegistry<F> of(Class<? super F> kindType) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = kindType.getClassLoader();
        }
        ClassLoader from = loader;
        return (ExtensionRegistry<F>) DISCOVERED.computeIfAbsent(new Key(kindType, from),
                k -> discover(kindType, from));
    }

    /**
     * A registry of exactly these factories (no discovery).
     *
     * @param kind what one extension is called in messages, e.g. {@code "balancing algorithm"}
     * @throws IllegalStateException if two factories share a name or a name is blank
     */
    public static <F extends ExtensionFactory<?>> ExtensionRegistry<F> of(String kind, Iterable<? extends F> factories) {
        Map<String, F> byName = new TreeMap<>();
        for (F f : factories) {
            add(kind, byName, f);
        }
        return new ExtensionRegistry<>(kind, byName);
    }

    @SuppressWarnings("unchecked")
    private static <F extends ExtensionFactory<?>> ExtensionRegistry<F> discover(Class<? super F> kindType,
                                                                               ClassLoader loader) {
        ExtensionPoint point = kindType.getAnnotation(ExtensionPoint.class);
        if (point == null) {
            throw new IllegalStateException(kindType.getName() + " is not marked as an @ExtensionPoint");
        }
        List<F> found = new ArrayList<>();
        try {
            for (Object f : ServiceLoader.load(kindType, loader)) {
                if (!(f instanceof ExtensionFactory<?>)) {
                    throw new IllegalStateException(f.getClass().getName() + " is not an ExtensionFactory");
                }
                found.add((F) f);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load the " + point.value() + " extensions: " + e.getMessage(), e);
        }
        return of(point.value(), found);
    }

    private static <F extends ExtensionFactory<?>> void add(String kind, Map<String, F> byName, F f) {
        String name = f.name();
        if (name == null || name.isBlank()) {
            throw new IllegalStateException(f.getClass().getName() + " has no name for its " + kind);
        }
        F before = byName.putIfAbsent(name, f);
        if (before != null) {
            throw new IllegalStateException("two " + kind + " extensions are named \"" + name + "\": "
                    + before.getClass().getName() + " and " + f.getClass().getName());
        }
    }

    /** What one extension of this kind is called in messages, e.g. {@code "balancing algorithm"}. */
    public String kind() {
        return kind;
    }

    /** The known names, sorted. */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
    }

    /** The factory of this name, if there is one. */
    public Optional<F> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    /**
     * The factory of this name.
     *
     * @throws InvalidFieldException (with no field: the caller knows where the name was
     *                               written) naming the known ones, when there is none
     */
    public F get(String name) {
        F f = name == null ? null : byName.get(name);
        if (f == null) {
            throw new InvalidFieldException("", unknown(name));
        }
        return f;
    }

    /** The message for a name that is not registered: it lists the known ones. */
    public String unknown(String name) {
        return unknown(name, "");
    }

    /** Like {@link #unknown(String)}, with a hint after the name, e.g. {@code  (did you mean "maglev"?)}. */
    public String unknown(String name, String hint) {
        return "unknown " + kind + " \"" + name + "\"" + hint + "; known: " + String.join(", ", names());
    }

    /**
     * The problems of a configured extension, each field relative to the place the
     * extension is written: {@code ""} for an unknown name, {@code maglev.tableSize}
     * for a setting of {@code maglev}. Empty when it can be created.
     */
    public List<InvalidFieldException> validate(ExtensionConfig<F> config) {
        Optional<F> f = find(config.name());
        if (f.isEmpty()) {
            return List.of(new InvalidFieldException("", unknown(config.name())));
        }
        List<InvalidFieldException> out = new ArrayList<>();
        ExtensionFactory<?> factory = f.get();
        for (InvalidFieldException e : validateSettings(factory, config.settings())) {
            out.add(e.within(config.name()));
        }
        return out;
    }

    private static <S extends Record> List<InvalidFieldException> validateSettings(ExtensionFactory<S> f, Record raw) {
        S settings;
        try {
            settings = f.settings(raw);
        } catch (IllegalArgumentException e) {
            return List.of(new InvalidFieldException("", e.getMessage()));
        }
        return f.validate(settings);
    }

    private record Key(Class<?> kind, ClassLoader loader) {
    }
}
