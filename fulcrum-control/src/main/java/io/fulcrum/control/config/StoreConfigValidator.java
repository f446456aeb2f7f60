package io.fulcrum.control.config;

import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.config.store.StoreConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * The rules of the {@code store} section: etcd endpoints that are {@code http://} or
 * {@code https://} URLs with a host and port ({@code https://} needs {@code tls}, a client
 * certificate needs its key), a password only with a user, a prefix, positive timeouts.
 * Messages never contain the password.
 */
final class StoreConfigValidator {

    private StoreConfigValidator() {
    }

    static void check(StoreConfig store, String path, BiConsumer<String, String> error) {
        EtcdStoreConfig etcd = store.etcd();
        if (etcd == null) {
            return;
        }
        String p = SourceMap.field(path, "etcd");
        String endpoints = SourceMap.field(p, "endpoints");
        if (etcd.endpoints().isEmpty()) {
            error.accept(endpoints, "at least one etcd endpoint is required, like http://127.0.0.1:2379");
        }
        boolean https = false;
        for (int i = 0; i < etcd.endpoints().size(); i++) {
            String e = etcd.endpoints().get(i);
            String ep = SourceMap.index(endpoints, i);
            try {
                URI uri = new URI(e);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    error.accept(ep, "expected http://HOST:PORT or https://HOST:PORT, got '" + e + "'");
                } else if (uri.getHost() == null || uri.getPort() < 1) {
                    error.accept(ep, "expected a host and a port, like http://127.0.0.1:2379, got '" + e + "'");
                }
                https |= "https".equals(uri.getScheme());
            } catch (URISyntaxException bad) {
                error.accept(ep, "not a URL: '" + e + "'");
            }
        }
        if (https && etcd.tls() == null) {
            error.accept(SourceMap.field(p, "tls"), "https:// endpoints need tls (at least its ca)");
        }
        if (etcd.tls() != null && (etcd.tls().cert() == null) != (etcd.tls().key() == null)) {
            error.accept(SourceMap.field(SourceMap.field(p, "tls"), etcd.tls().cert() == null ? "cert" : "key"),
                    "cert and key go together");
        }
        if (etcd.password() != null && etcd.user() == null) {
            error.accept(SourceMap.field(p, "user"), "a password needs its user");
        }
        if (etcd.prefix().isBlank() || etcd.prefix().equals("/")) {
            error.accept(SourceMap.field(p, "prefix"), "a prefix of its own is required, like /fulcrum");
        }
        positive(SourceMap.field(p, "connectTimeout"), etcd.connectTimeout(), error);
        positive(SourceMap.field(p, "requestTimeout"), etcd.requestTimeout(), error);
        positive(SourceMap.field(p, "retryMaxDelay"), etcd.retryMaxDelay(), error);
    }

    private static void positive(String path, Duration d, BiConsumer<String, String> error) {
        if (d.isZero() || d.isNegative()) {
            error.accept(path, "must be longer than 0 (got " + ConfigUnits.formatDuration(d) + ")");
        }
    }
}
