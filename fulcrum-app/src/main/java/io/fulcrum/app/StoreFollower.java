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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A node that takes its configuration from a store ({@code store.etcd}): its file is its
 * bootstrap, whose sections are the node's own and are laid over every configuration the
 * store hands ({@link ConfigLayout#overlay}: its {@code server} identity, {@code admin} server
 * and {@code store}, and any other section it keeps to itself, such as listeners bound to its
 * own addresses). The first configuration is read before the node starts (from the store, else
 * the snapshot the store keeps locally); every later revision goes to the node's one reload
 * path, {@link ConfigReloader#offer}, which validates, compiles and compares it like a
 * reloaded file.
 */
final class StoreFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum");

    /** The sections a node needs before it can reach the store: it starts on them alone when nothing else works. */
    static final Set<String> BOOTSTRAP = Set.of("server", "admin", "store");

    private final ConfigStore store;
    private final String bootstrapText;
    private final LoadedConfig bootstrapOnly;
    private final String sourceName;

    private StoreFollower(ConfigStore store, String bootstrapText, LoadedConfig bootstrapOnly, String sourceName) {
        this.store = store;
        this.bootstrapText = bootstrapText;
        this.bootstrapOnly = bootstrapOnly;
        this.sourceName = sourceName;
    }

    /**
     * The follower for a file that names a store, or {@code null} for a file that is the whole
     * configuration (no {@code store.etcd}).
     *
     * @throws ConfigException when the file's bootstrap sections ({@link #BOOTSTRAP}) are invalid
     */
    static StoreFollower open(Path file) throws ConfigException, IOException {
        String text = Files.readString(file);
        try {
            if (!ConfigLayout.sections(text).contains("store")) {
                return null;
            }
        } catch (IllegalArgumentException notYaml) {
            return null; // the file path reports it, at its line
        }
        CompileCheck asRun = FulcrumNode::check;
        LoadedConfig bootstrap = asRun.compiled(
                ConfigLoader.parseWithWarnings(ConfigLayout.only(text, BOOTSTRAP), file.toString()));
        ConfigStore store = StoreNames.open(bootstrap.config().store(), file.toAbsolutePath().getParent());
        if (store == null) {
            return null;
        }
        String name = store instanceof EtcdStore etcd ? "etcd:" + etcd.prefix() : bootstrap.config().store().kind();
        return new StoreFollower(store, text, bootstrap, name);
    }

    /**
     * The configuration to start with: the store's (or its local snapshot's) with the bootstrap
     * file's sections, validated and compiled; when the store has nothing yet, the bootstrap file
     * alone; when that is refused too, its bootstrap sections alone (so the node runs, reaches the
     * store and takes the next revision). Each refusal is logged as {@code validate} prints it.
     */
    LoadedConfig initial() {
        Optional<StoreSnapshot> first = store.start();
        StoreSnapshot s = first.orElse(new StoreSnapshot("", 0, false));
        if (first.isEmpty() || s.yaml().isBlank()) {
            LOG.info("{}: no configuration in the store yet; serving the bootstrap file until one is pushed",
                    sourceName);
        }
        try {
            CompileCheck asRun = FulcrumNode::check;
            LoadedConfig loaded = asRun.compiled(compose(s));
            if (s.revision() > 0) {
                LOG.info("{}: starting from revision {}{}", sourceName, s.revision(),
                        s.fromLocal() ? " (the local snapshot: the store is unreachable)" : "");
            }
            return loaded;
        } catch (ConfigException e) {
            LOG.error("{}: revision {} refused; starting on the bootstrap sections alone:\n{}", sourceName,
                    s.revision(), e.getMessage());
            return bootstrapOnly;
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
        String text = ConfigLayout.overlay(snapshot.yaml(), bootstrapText);
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
