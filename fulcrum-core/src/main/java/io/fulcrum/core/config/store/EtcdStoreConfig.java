package io.fulcrum.core.config.store;

import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;
import java.util.List;

/**
 * How a node reaches etcd and where its configuration lives there.
 *
 * @param endpoints      client URLs of the etcd members ({@code http://10.0.0.1:2379}, or
 *                       {@code https://} with {@code tls}); the client spreads over all of them
 *                       and moves on when one fails
 * @param prefix         key prefix under which the configuration is kept (default {@code /fulcrum})
 * @param tls            CA, client certificate and key for {@code https://} endpoints (absent: plain text)
 * @param user           etcd user name for password authentication (absent: no authentication)
 * @param password       that user's password
 * @param connectTimeout how long connecting to an endpoint may take (default 2 s)
 * @param requestTimeout how long one read or transaction may take (default 5 s)
 * @param retryMaxDelay  the longest wait between two reconnect attempts, the back-off's cap (default 5 s)
 * @param snapshotFile   where the last configuration applied from etcd is kept (YAML and its revision),
 *                       so a node started while etcd is unreachable serves it; relative paths are
 *                       resolved next to the bootstrap file (default {@code fulcrum-etcd-snapshot.yaml})
 */
public record EtcdStoreConfig(List<String> endpoints, String prefix, EtcdTlsConfig tls, String user,
                              String password, Duration connectTimeout, Duration requestTimeout,
                              Duration retryMaxDelay, String snapshotFile) {

    /** The prefix used when none is given. */
    public static final String DEFAULT_PREFIX = "/fulcrum";
    /** The snapshot file used when none is given. */
    public static final String DEFAULT_SNAPSHOT_FILE = "fulcrum-etcd-snapshot.yaml";

    public EtcdStoreConfig {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        prefix = prefix == null ? DEFAULT_PREFIX : prefix;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(5) : requestTimeout;
        retryMaxDelay = retryMaxDelay == null ? Duration.ofSeconds(5) : retryMaxDelay;
        snapshotFile = snapshotFile == null ? DEFAULT_SNAPSHOT_FILE : snapshotFile;
    }

    /** Settings for these endpoints, everything else by default. */
    public static EtcdStoreConfig of(List<String> endpoints, String prefix) {
        return new EtcdStoreConfig(endpoints, prefix, null, null, null, null, null, null, null);
    }

    /**
     * The etcd settings of a {@code store} section: those of the store it names when that store
     * takes etcd settings (the {@code etcd} store, whatever it is registered as), else {@code null}.
     */
    public static EtcdStoreConfig chosenIn(ExtensionConfig<StoreType<?>> store) {
        return StoreType.registry().find(store.name())
                .filter(f -> f.settingsType() == EtcdStoreConfig.class)
                .map(f -> (EtcdStoreConfig) f.settings(store.settings()))
                .orElse(null);
    }

    @Override
    public String toString() {
        // The password is never printed.
        return "EtcdStoreConfig[endpoints=" + endpoints + ", prefix=" + prefix + ", tls=" + (tls != null)
                + ", user=" + user + "]";
    }
}
