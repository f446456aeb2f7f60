package io.fulcrum.proxy.runtime;

import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.BackendTlsConfig;

/**
 * The pool settings that decide how a connection to a backend is opened: its protocol, its TLS
 * and its PROXY header. A keep-alive connection is only reused by a pool whose settings are equal
 * to the ones it was opened with, so a reload that changes them never sends a request over a
 * connection opened the old way, however the reload and the request interleave.
 */
public record BackendConnectSettings(String protocol, BackendTlsConfig tls, String proxyProtocol) {

    /** The connect settings of {@code pool}. */
    public static BackendConnectSettings of(PoolConfig pool) {
        return new BackendConnectSettings(pool.protocol(), pool.tls(), pool.proxyProtocol());
    }
}
