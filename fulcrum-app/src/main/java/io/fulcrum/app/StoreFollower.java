package io.fulcrum.app;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.cluster.store.ConfigLayout;
import io.fulcrum.cluster.store.ConfigStore;
import io.fulcrum.cluster.store.EtcdStore;
import io.fulcrum.cluster.store.StoreNames;
import io.fulcrum.cluster.store.StoreSnapshot;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.reload.CompileCheck;
import io.fulcrum.control.reload.ConfigReloader;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.core.config.FulcrumConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A node that takes its configuration from a store ({@code store.etcd}): its file is only
 * the bootstrap, whose node-local sections ({@link #NODE_LOCAL}) are laid over every
 * configuration the store hands. The first configuration is read before the node starts
 * (from the store, else the snapshot the store keeps locally, else the bootstrap alone);
 * every later revision goes to the node's one reload path, {@link ConfigReloader#offer},
 * which validates, compiles and compares it like a reloaded file.
 */
final class StoreFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum");

    /** Sections each node keeps from its own bootstrap file: its identity, its admin server, its store. */
    static final Set<String> NODE_LOCAL = Set.of("server", "admin", "store");

    private final ConfigStore store;
    private final String bootstrapText;
    private final String sourceName;

    private StoreFollower(ConfigStore store, String bootstrapText, String sourceName) {
        this.store = store;
        this.bootstrapText = bootstrapText;
        this.sourceName = sourceName;
    }

    /** The follower for a bootstrap configuration that names a store, or {@code null} for the file store. */
    static StoreFollower open(FulcrumConfig bootstrap, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        ConfigStore store = StoreNames.open(bootstrap.store(), dir);
        if (store == null) {
            return null;
        }
        String name = store instanceof EtcdStore etcd ? "etcd:" + etcd.prefix() : bootstrap.store().kind();
        return new StoreFollower(store, Files.readString(file), name);
    }

    /**
     * The configuration to start with: the store's (or its local snapshot's) with the bootstrap's
     * node-local sections, validated and compiled; the bootstrap alone when the store has nothing
     * yet or what it has is refused (logged, file:line as {@code validate} prints it).
     */
    LoadedConfig initial(LoadedConfig bootstrap) {
        Optional<StoreSnapshot> first = store.start();
        if (first.isEmpty() || first.get().yaml().isBlank()) {
            LOG.info("{}: no configuration in the store yet; serving the bootstrap file until one is pushed",
                    sourceName);
            return bootstrap;
        }
        StoreSnapshot s = first.get();
        try {
            CompileCheck asRun = FulcrumNode::check;
            LoadedConfig loaded = asRun.compiled(compose(s));
            LOG.info("{}: starting from revision {}{}", sourceName, s.revision(),
                    s.fromLocal() ? " (the local snapshot: the store is unreachable)" : "");
            return loaded;
        } catch (ConfigException e) {
            LOG.error("{}: revision {} refused; serving the bootstrap file:\n{}", sourceName, s.revision(),
                    e.getMessage());
            return bootstrap;
        }
    }

    /** Hands every new revision to the node's reloader, from the store's own thread. */
    void follow(ConfigReloader reloader) {
        store.follow(snapshot -> {
            LoadedConfig candidate;
            try {
                candidate = compose(snapshot);
            } catch (ConfigException e) {
                LOG.error("{}: revision {} refused; the running configuration keeps serving:\n{}", sourceName,
                        snapshot.revision(), e.getMessage());
                return false;
            }
            ReloadResult r = reloader.offer(candidate.config(), source(snapshot), "store revision " + snapshot.revision());
            return r.succeeded();
        });
    }

    private LoadedConfig compose(StoreSnapshot snapshot) throws ConfigException {
        String text = ConfigLayout.overlay(snapshot.yaml(), bootstrapText, NODE_LOCAL);
        return ConfigLoader.parseWithWarnings(text, source(snapshot));
    }

    private String source(StoreSnapshot snapshot) {
        return sourceName + "@" + snapshot.revision();
    }

    @Override
    public void close() {
        store.close();
    }
}
