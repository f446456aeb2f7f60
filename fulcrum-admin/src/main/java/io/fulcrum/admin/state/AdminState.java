package io.fulcrum.admin.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.StickinessConfig;
import io.fulcrum.core.config.admin.AdminConfig;
import io.fulcrum.core.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The operator's run-time changes, kept in a state file and laid over every
 * configuration the node applies ({@link #overlay}): on start, after each reload of the
 * file, and after each change through the API. So a drain, a fixed weight or an added
 * backend survives both a restart and a reload, and the file on disk stays the
 * operator's own (Fulcrum never rewrites it).
 *
 * <p>Thread-safe: changes are serialized, each one written to disk (write then atomic
 * rename) before it is applied.
 */
public final class AdminState implements UnaryOperator<FulcrumConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminState.class);

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(HostPortJson.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private StateData data;
    private FulcrumConfig base;
    /** The fleet's store of these changes in cluster mode; {@code null} on a single node. */
    private SharedState shared;
    /** Told when the fleet hands a new state ({@link #replace}), to put it into service. */
    private volatile Runnable onReplaced = () -> { };

    private AdminState(Path file, StateData data) {
        this.file = file;
        this.data = data;
    }

    /** A state that keeps nothing (no admin section): the overlay is the identity. */
    public static AdminState none() {
        return new AdminState(null, StateData.empty());
    }

    /**
     * Opens the state of a node: the file named by {@code admin.stateFile} (resolved next to
     * {@code configFile}), read when it exists. A state file that cannot be read is logged
     * and set aside, never fatal: the node starts on its configuration alone.
     */
    public static AdminState open(FulcrumConfig config, Path configFile) {
        return open(config, configFile, null);
    }

    /**
     * Opens the state of a node as {@link #open(FulcrumConfig, Path)} does, with a relative
     * {@code admin.stateFile} resolved in {@code stateDir} instead when that is given
     * ({@code fulcrum run --state-dir}: a package keeps its configuration read-only in
     * {@code /etc} and its state in {@code /var/lib}).
     */
    public static AdminState open(FulcrumConfig config, Path configFile, Path stateDir) {
        AdminConfig admin = config.admin();
        if (!admin.enabled()) {
            return none();
        }
        Path file = stateDir == null ? resolve(admin.stateFile(), configFile)
                : stateDir.toAbsolutePath().resolve(admin.stateFile());
        StateData data = StateData.empty();
        if (Files.exists(file)) {
            try {
                data = JSON.readValue(file.toFile(), StateData.class);
                LOG.info("admin state {}: operator changes re-applied", file);
            } catch (IOException e) {
                LOG.error("admin state {} cannot be read ({}); starting without it", file, e.getMessage());
            }
        }
        return new AdminState(file, data);
    }

    /** {@code stateFile} as a path: absolute as given, relative to the configuration file's directory. */
    public static Path resolve(String stateFile, Path configFile) {
        Path p = Path.of(stateFile);
        if (p.isAbsolute()) {
            return p;
        }
        Path dir = configFile == null ? null : configFile.toAbsolutePath().getParent();
        return dir == null ? p.toAbsolutePath() : dir.resolve(p);
    }

    /** The state file, or {@code null} when nothing is kept. */
    public Path file() {
        return file;
    }

    /** The changes now in force. */
    public synchronized StateData data() {
        return data;
    }

    /** The configuration last passed to {@link #overlay} (before the changes), or {@code null}. */
    public synchronized FulcrumConfig base() {
        return base;
    }

    @Override
    public FulcrumConfig apply(FulcrumConfig config) {
        return overlay(config);
    }

    /** {@code config} with the operator's changes laid over it; remembers {@code config} as the base. */
    public synchronized FulcrumConfig overlay(FulcrumConfig config) {
        base = config;
        return overlay(config, data);
    }

    /**
     * Records a change: computes the new state, writes it to the file, and makes it the
     * state in force. Returns the configuration to apply (the base with the new state).
     *
     * @throws IOException when the file cannot be written (nothing changes then)
     */
    public FulcrumConfig change(UnaryOperator<StateData> edit) throws IOException {
        return change(edit, null);
    }

    /**
     * {@link #change(UnaryOperator)}, telling of it with {@code event}: in cluster mode the event
     * goes to the fleet's store with the change, so every other node's event log has it too.
     */
    public synchronized FulcrumConfig change(UnaryOperator<StateData> edit, Event event) throws IOException {
        StateData next = edit.apply(data);
        if (shared != null) {
            shared.write(data, next, event); // the fleet's copy first: a refused write changes nothing
            keepLocally(next);
        } else {
            write(next);
        }
        data = next;
        return base == null ? null : overlay(base, next);
    }

    /**
     * Makes this a fleet member's state (cluster mode): from now on every change is written to
     * {@code store} first; the state file stays as this node's local copy (what it starts from
     * when the store cannot be reached).
     */
    public synchronized void share(SharedState store) {
        this.shared = store;
    }

    /** Whether changes go to a fleet's store ({@link #share}). */
    public synchronized boolean shared() {
        return shared != null;
    }

    /**
     * Takes the state the fleet now holds (another node's change, or this node's own as the
     * store hands it back), keeps it in the state file, and tells the {@link #onReplaced}
     * listener when it differs from the state in force.
     */
    public void replace(StateData next) {
        boolean changed;
        synchronized (this) {
            changed = !next.equals(data);
            if (changed) {
                data = next;
                keepLocally(next);
            }
        }
        if (changed) {
            onReplaced.run();
        }
    }

    /** What to run after {@link #replace} changed the state (re-apply the configuration). */
    public void onReplaced(Runnable listener) {
        this.onReplaced = java.util.Objects.requireNonNull(listener);
    }

    private void keepLocally(StateData next) {
        try {
            write(next);
        } catch (IOException e) {
            LOG.warn("admin state {}: cannot keep the local copy ({})", file, e.getMessage());
        }
    }

    /** Computes what a change would give without recording it (to validate it first). */
    public synchronized FulcrumConfig preview(UnaryOperator<StateData> edit) {
        return base == null ? null : overlay(base, edit.apply(data));
    }

    private void write(StateData next) throws IOException {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), next);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---- the overlay ----------------------------------------------------------------------------

    static FulcrumConfig overlay(FulcrumConfig config, StateData state) {
        if (state.isEmpty()) {
            return config;
        }
        java.time.Instant now = java.time.Instant.now();
        Set<String> removed = new LinkedHashSet<>(state.removed());
        List<PoolConfig> pools = new ArrayList<>();
        for (PoolConfig pc : config.pools()) {
            List<BackendConfig> backends = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            for (BackendConfig bc : pc.backends()) {
                if (!removed.contains(pc.name() + "/" + bc.name())) {
                    backends.add(bc);
                    names.add(bc.name());
                }
            }
            for (BackendConfig bc : state.added().getOrDefault(pc.name(), List.of())) {
                // The file wins over an API addition of the same name.
                if (names.add(bc.name())) {
                    backends.add(bc);
                }
            }
            List<BackendConfig> changed = new ArrayList<>(backends.size());
            for (BackendConfig bc : backends) {
                StateData.BackendOverride o = state.backends().get(pc.name() + "/" + bc.name());
                String st = o == null ? null : o.stateAt(now);
                changed.add(o == null ? bc : Records.with(bc, Map.of(
                        "weight", o.weight() != null ? o.weight() : bc.weight(),
                        "state", st != null ? st : bc.state())));
            }
            pools.add(Records.with(pc, "backends", changed));
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        for (ListenerConfig lc : config.listeners()) {
            List<RouteConfig> routes = new ArrayList<>();
            boolean any = false;
            for (RouteConfig rc : lc.routes()) {
                StickinessConfig s = state.stickiness().get(lc.name() + "/" + rc.name());
                if (s != null) {
                    any = true;
                    routes.add(Records.with(rc, "stickiness", s));
                } else {
                    routes.add(rc);
                }
            }
            listeners.add(any ? Records.with(lc, "routes", routes) : lc);
        }
        return Records.with(config, Map.of("listeners", listeners, "pools", pools));
    }

    // ---- edits (pure functions of the state) ----------------------------------------------------

    /** Changes what the operator set on one backend ({@code f} gets an empty override when none is set). */
    public static UnaryOperator<StateData> override(String pool, String backend,
                                                    UnaryOperator<StateData.BackendOverride> f) {
        return d -> {
            Map<String, StateData.BackendOverride> m = new LinkedHashMap<>(d.backends());
            String key = pool + "/" + backend;
            StateData.BackendOverride next = f.apply(m.getOrDefault(key, new StateData.BackendOverride(null, null)));
            if (next.isEmpty()) {
                m.remove(key);
            } else {
                m.put(key, next);
            }
            return new StateData(m, d.added(), d.removed(), d.stickiness(), d.importance());
        };
    }

    /** Adds a backend to a pool. */
    public static UnaryOperator<StateData> add(String pool, BackendConfig backend) {
        return d -> {
            Map<String, List<BackendConfig>> added = new LinkedHashMap<>(d.added());
            List<BackendConfig> list = new ArrayList<>(added.getOrDefault(pool, List.of()));
            list.removeIf(b -> b.name().equals(backend.name()));
            list.add(backend);
            added.put(pool, list);
            List<String> removed = new ArrayList<>(d.removed());
            removed.remove(pool + "/" + backend.name());
            return new StateData(d.backends(), added, removed, d.stickiness(), d.importance());
        };
    }

    /** Removes a backend from a pool (an API addition is forgotten; a configured one is hidden). */
    public static UnaryOperator<StateData> remove(String pool, String backend, boolean configured) {
        return d -> {
            Map<String, List<BackendConfig>> added = new LinkedHashMap<>(d.added());
            List<BackendConfig> list = new ArrayList<>(added.getOrDefault(pool, List.of()));
            list.removeIf(b -> b.name().equals(backend));
            if (list.isEmpty()) {
                added.remove(pool);
            } else {
                added.put(pool, list);
            }
            List<String> removed = new ArrayList<>(d.removed());
            String key = pool + "/" + backend;
            if (configured && !removed.contains(key)) {
                removed.add(key);
            }
            Map<String, StateData.BackendOverride> overrides = new LinkedHashMap<>(d.backends());
            overrides.remove(key);
            return new StateData(overrides, added, removed, d.stickiness(), d.importance());
        };
    }

    /** Sets a route's stickiness. */
    public static UnaryOperator<StateData> stickiness(String listener, String route, StickinessConfig s) {
        return d -> {
            Map<String, StickinessConfig> m = new LinkedHashMap<>(d.stickiness());
            m.put(listener + "/" + route, Objects.requireNonNull(s));
            return new StateData(d.backends(), d.added(), d.removed(), m, d.importance());
        };
    }

    /** Sets a pool's metric importance (an empty map clears it). */
    public static UnaryOperator<StateData> importance(String pool, Map<String, Double> importance) {
        return d -> {
            Map<String, Map<String, Double>> m = new LinkedHashMap<>(d.importance());
            if (importance.isEmpty()) {
                m.remove(pool);
            } else {
                m.put(pool, Map.copyOf(importance));
            }
            return new StateData(d.backends(), d.added(), d.removed(), d.stickiness(), m);
        };
    }
}
