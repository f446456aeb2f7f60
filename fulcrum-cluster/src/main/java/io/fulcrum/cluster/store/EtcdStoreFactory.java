package io.fulcrum.cluster.store;

import io.fulcrum.control.config.ConfigUnits;
import io.fulcrum.control.store.ConfigStore;
import io.fulcrum.control.store.ConfigStoreFactory;
import io.fulcrum.control.store.StoreContext;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.store.EtcdStoreConfig;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code etcd} configuration store, registered by name in
 * {@code META-INF/services/io.fulcrum.core.config.store.StoreType} of this module: a node
 * whose file says {@code store: {etcd: {...}}} follows the configuration kept in etcd
 * ({@link EtcdConfigStore}).
 */
public final class EtcdStoreFactory implements ConfigStoreFactory<EtcdStoreConfig> {

    /** The name of the etcd store. */
    public static final String NAME = "etcd";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<EtcdStoreConfig> settingsType() {
        return EtcdStoreConfig.class;
    }

    /**
     * Endpoints that are {@code http://} or {@code https://} URLs with a host and port
     * ({@code https://} needs {@code tls}, a client certificate needs its key), a password only
     * with a user, a prefix of its own, positive timeouts. Messages never contain the password.
     */
    @Override
    public List<InvalidFieldException> validate(EtcdStoreConfig etcd) {
        List<InvalidFieldException> out = new ArrayList<>();
        if (etcd.endpoints().isEmpty()) {
            out.add(new InvalidFieldException("endpoints",
                    "at least one etcd endpoint is required, like http://127.0.0.1:2379"));
        }
        boolean https = false;
        for (int i = 0; i < etcd.endpoints().size(); i++) {
            String e = etcd.endpoints().get(i);
            String field = "endpoints[" + i + "]";
            try {
                URI uri = new URI(e);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    out.add(new InvalidFieldException(field, "expected http://HOST:PORT or https://HOST:PORT, got '" + e + "'"));
                } else if (uri.getHost() == null || uri.getPort() < 1) {
                    out.add(new InvalidFieldException(field,
                            "expected a host and a port, like http://127.0.0.1:2379, got '" + e + "'"));
                }
                https |= "https".equals(uri.getScheme());
            } catch (URISyntaxException bad) {
                out.add(new InvalidFieldException(field, "not a URL: '" + e + "'"));
            }
        }
        if (https && etcd.tls() == null) {
            out.add(new InvalidFieldException("tls", "https:// endpoints need tls (at least its ca)"));
        }
        if (etcd.tls() != null && (etcd.tls().cert() == null) != (etcd.tls().key() == null)) {
            out.add(new InvalidFieldException(etcd.tls().cert() == null ? "tls.cert" : "tls.key",
                    "cert and key go together"));
        }
        if (etcd.password() != null && etcd.user() == null) {
            out.add(new InvalidFieldException("user", "a password needs its user"));
        }
        if (etcd.prefix().isBlank() || etcd.prefix().equals("/")) {
            out.add(new InvalidFieldException("prefix", "a prefix of its own is required, like /fulcrum"));
        }
        positive("connectTimeout", etcd.connectTimeout(), out);
        positive("requestTimeout", etcd.requestTimeout(), out);
        positive("retryMaxDelay", etcd.retryMaxDelay(), out);
        return out;
    }

    private static void positive(String field, Duration d, List<InvalidFieldException> out) {
        if (d.isZero() || d.isNegative()) {
            out.add(new InvalidFieldException(field, "must be longer than 0 (got " + ConfigUnits.formatDuration(d) + ")"));
        }
    }

    @Override
    public ConfigStore open(EtcdStoreConfig settings, StoreContext context) throws IOException {
        String text = Files.readString(context.bootstrapFile());
        return new EtcdConfigStore(new EtcdStore(settings, context.baseDir()), text,
                context.bootstrapFile().toString(), context.check());
    }
}
