package io.fulcrum.app;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.cluster.store.ConfigLayout;
import io.fulcrum.cluster.store.EtcdConfigStore;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.ConfigVariables;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.reload.CompileCheck;
import io.fulcrum.control.reload.ConfigReloader;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.control.store.ConfigStore;
import io.fulcrum.control.store.ConfigStoreFactory;
import io.fulcrum.control.store.StoreContext;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.store.StoreType;
import io.fulcrum.core.extension.ExtensionConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration store a node's file names ({@code store: {etcd: {...}}}), opened by its
 * name through the registry of configuration stores ({@link ConfigStoreFactory}). Its first
 * configuration is read before the node starts ({@link ConfigStore#load}); every later one goes
 * to the node's one reload path, {@link ConfigReloader#offer}, which validates, compiles and
 * compares it like a reloaded file. A file that names no store is the whole configuration and
 * keeps today's path (the file watcher, SIGHUP and {@code fulcrum reload}): there is no
 * follower for it.
 */
final class StoreFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum");

    private final ConfigStore store;

    private StoreFollower(ConfigStore store) {
        this.store = store;
    }

    /**
     * The follower for a file that names a store, or {@code null} for a file that is the whole
     * configuration (no {@code store} section, or the {@code file} store: the file itself).
     *
     * @throws ConfigException when the file's bootstrap sections ({@link EtcdConfigStore#BOOTSTRAP})
     *                         are invalid, the store's settings among them
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
        LoadedConfig bootstrap = asRun.compiled(ConfigLoader.parseWithWarnings(
                ConfigLayout.only(text, EtcdConfigStore.BOOTSTRAP), file.toString(), ConfigVariables.processEnvironment()));
        ExtensionConfig<StoreType<?>> chosen = bootstrap.config().store();
        if (StoreType.FILE.equals(chosen.name())) {
            return null;
        }
        return new StoreFollower(ConfigStoreFactory.open(chosen, new StoreContext(file, asRun)));
    }

    /** The configuration to start with, as the store gives it (see its {@link ConfigStore#load}). */
    LoadedConfig initial() throws ConfigException, IOException {
        return store.load();
    }

    /** Hands every new configuration of the store to the node's reloader, from the store's own thread. */
    void follow(ConfigReloader reloader) throws IOException {
        store.watch(new ConfigStore.Listener() {
            @Override
            public ReloadResult offer(FulcrumConfig candidate, String source, String trigger) {
                return reloader.offer(candidate, source, trigger);
            }

            @Override
            public void refused(ConfigException problems, String source) {
                LOG.error("{}: refused; the running configuration keeps serving:\n{}", source, problems.getMessage());
            }
        });
    }

    @Override
    public void close() {
        store.close();
    }
}
