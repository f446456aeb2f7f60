package io.fulcrum.cluster.store;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.ConfigVariables;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.reload.CompileCheck;
import io.fulcrum.control.store.ConfigStore;
import io.fulcrum.control.store.PushRecord;
import io.fulcrum.control.store.PushResult;
import io.fulcrum.control.store.StoreException;
import io.fulcrum.control.store.StoreSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code etcd} store as a node sees it: the node's file is its bootstrap, whose sections
 * are the node's own and are laid over every configuration etcd hands
 * ({@link ConfigLayout#overlay}: its {@code server} identity, {@code admin} server and
 * {@code store}, and any other section it keeps to itself, such as listeners bound to its own
 * addresses). {@link #load} reads the first configuration from etcd (else the snapshot kept
 * locally), {@link #watch} hands each later revision to the listener, and a revision is kept
 * as the last good snapshot only when the listener's reload succeeded.
 */
public final class EtcdConfigStore implements ConfigStore {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum");

    /** The sections a node needs before it can reach the store: it starts on them alone when nothing else works. */
    public static final Set<String> BOOTSTRAP = Set.of("server", "admin", "store");

    private final EtcdStore etcd;
    private final String bootstrapText;
    private final String bootstrapSource;
    private final CompileCheck check;
    private final String sourceName;

    /**
     * @param etcd            the connection to etcd (owned from now on: closed with this store)
     * @param bootstrapText   the bootstrap file's text
     * @param bootstrapSource the bootstrap file's name, for messages
     * @param check           how the node compiles a configuration
     */
    public EtcdConfigStore(EtcdStore etcd, String bootstrapText, String bootstrapSource, CompileCheck check) {
        this.etcd = etcd;
        this.bootstrapText = bootstrapText;
        this.bootstrapSource = bootstrapSource;
        this.check = check;
        this.sourceName = "etcd:" + etcd.prefix();
    }

    @Override
    public String source() {
        return sourceName;
    }

    /**
     * The configuration to start with: the store's (or its local snapshot's) with the bootstrap
     * file's sections, validated and compiled; when the store has nothing yet, the bootstrap file
     * alone; when that is refused too, its bootstrap sections alone (so the node runs, reaches the
     * store and takes the next revision). Each refusal is logged as {@code validate} prints it.
     *
     * @throws ConfigException when even the bootstrap sections are refused
     */
    @Override
    public LoadedConfig load() throws ConfigException {
        LoadedConfig bootstrapOnly = check.compiled(
                ConfigLoader.parseWithWarnings(ConfigLayout.only(bootstrapText, BOOTSTRAP), bootstrapSource,
                        ConfigVariables.processEnvironment()));
        Optional<StoreSnapshot> first = etcd.start();
        StoreSnapshot s = first.orElse(new StoreSnapshot("", 0, false));
        if (first.isEmpty() || s.yaml().isBlank()) {
            LOG.info("{}: no configuration in the store yet; serving the bootstrap file until one is pushed",
                    sourceName);
        }
        try {
            LoadedConfig loaded = check.compiled(compose(s));
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

    /** Hands every new revision to the listener, from the store's own thread. */
    @Override
    public void watch(Listener listener) {
        etcd.follow(snapshot -> {
            LoadedConfig candidate;
            try {
                candidate = compose(snapshot);
            } catch (ConfigException e) {
                listener.refused(e, source(snapshot));
                return false;
            }
            return listener.offer(candidate.config(), source(snapshot), "store revision " + snapshot.revision())
                    .succeeded();
        });
    }

    @Override
    public PushResult push(String yaml, String author) throws StoreException {
        return etcd.push(yaml, author);
    }

    @Override
    public StoreSnapshot get() throws StoreException {
        return etcd.get();
    }

    @Override
    public List<PushRecord> history(int limit) throws StoreException {
        return etcd.history(limit);
    }

    private LoadedConfig compose(StoreSnapshot snapshot) throws ConfigException {
        String text = ConfigLayout.overlay(snapshot.yaml(), bootstrapText);
        // The node's own environment fills the ${NAME} references, as in a file: per-node values.
        return ConfigLoader.parseWithWarnings(text, source(snapshot), ConfigVariables.processEnvironment());
    }

    private String source(StoreSnapshot snapshot) {
        return sourceName + "@" + snapshot.revision();
    }

    @Override
    public void close() {
        etcd.close();
    }
}
