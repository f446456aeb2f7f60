package io.fulcrum.control.config;

import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Semantic checks of the HTTP/2 settings: {@code listeners[].http2} and {@code pools[].protocol}
 * (with {@code pools[].tls} checked by {@link BackendTlsValidator}). Every message names its field path.
 */
final class Http2Validator {

    static final Set<String> BACKEND_PROTOCOLS = Set.of(PoolConfig.HTTP1, "h2c", "h2");
    /** HTTP/2's own floor for SETTINGS_MAX_FRAME_SIZE-sized windows is 0; 2^31-1 is its ceiling. */
    static final int MAX_WINDOW = Integer.MAX_VALUE;

    private final BiConsumer<String, String> error;
    private final BiConsumer<String, String> warn;

    private Http2Validator(BiConsumer<String, String> error, BiConsumer<String, String> warn) {
        this.error = error;
        this.warn = warn;
    }

    /** Reports problems through {@code error} and {@code warn} as (field path, message). */
    static void check(FulcrumConfig c, BiConsumer<String, String> error, BiConsumer<String, String> warn) {
        Http2Validator v = new Http2Validator(error, warn);
        for (int i = 0; i < c.listeners().size(); i++) {
            v.checkListener(c.listeners().get(i), SourceMap.index("listeners", i));
        }
        for (int i = 0; i < c.pools().size(); i++) {
            v.checkPool(c.pools().get(i), SourceMap.index("pools", i));
        }
    }

    private void checkListener(ListenerConfig l, String p) {
        Http2Config h = l.http2();
        String hp = SourceMap.field(p, "http2");
        range(SourceMap.field(hp, "maxConcurrentStreams"), h.maxConcurrentStreams(), 1, 100_000);
        range(SourceMap.field(hp, "maxHeaderListBytes"), h.maxHeaderListBytes(), 1024, 1 << 24);
        range(SourceMap.field(hp, "initialWindowBytes"), h.initialWindowBytes(), 1024, MAX_WINDOW);
        if (h.cleartext() && l.tls() != null) {
            warn.accept(SourceMap.field(hp, "cleartext"), "ignored on a TLS listener: list h2 in tls.alpn to offer "
                    + "HTTP/2 over TLS");
        }
    }

    private void checkPool(PoolConfig pool, String p) {
        String protocolPath = SourceMap.field(p, "protocol");
        if (!BACKEND_PROTOCOLS.contains(pool.protocol())) {
            error.accept(protocolPath, "must be one of " + String.join(", ", new TreeSet<>(BACKEND_PROTOCOLS))
                    + " (got \"" + pool.protocol() + "\")");
        } else if (pool.protocol().equals("h2") && pool.tls() == null) {
            error.accept(protocolPath, "h2 is HTTP/2 over TLS and needs tls; use h2c for cleartext HTTP/2");
        } else if (pool.protocol().equals("h2c") && pool.tls() != null) {
            error.accept(protocolPath, "h2c is cleartext HTTP/2 but tls is set; use h2 for HTTP/2 over TLS");
        }
        BackendTlsConfig t = pool.tls();
        if (t == null) {
            return;
        }
        BackendTlsValidator.check(t, SourceMap.field(p, "tls"), error, warn);
    }

    private void range(String path, long value, long min, long max) {
        if (value < min || value > max) {
            error.accept(path, "must be between " + min + " and " + max + " (got " + value + ")");
        }
    }
}
