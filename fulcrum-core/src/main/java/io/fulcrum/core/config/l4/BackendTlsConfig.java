package io.fulcrum.core.config.l4;

/**
 * TLS from Fulcrum to the backends of an L4 listener.
 *
 * @param enabled    whether connections to backends use TLS (default true when the section is present)
 * @param verify     whether the backend certificate is checked (chain and host name; default true)
 * @param caFile     PEM file of trusted CA certificates; empty = the JDK's default trust store
 * @param serverName SNI name and host name checked; empty = the backend's host
 */
public record BackendTlsConfig(Boolean enabled, Boolean verify, String caFile, String serverName) {

    public BackendTlsConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        verify = verify == null ? Boolean.TRUE : verify;
        caFile = caFile == null ? "" : caFile;
        serverName = serverName == null ? "" : serverName;
    }
}
