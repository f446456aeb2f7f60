package io.fulcrum.core.config.store;

/**
 * TLS towards etcd: the CA that signed the members' certificates and, for client
 * certificate authentication, this node's certificate and key (PEM files; relative paths
 * are resolved next to the configuration file).
 *
 * @param ca   the CA certificate(s) the members' certificates are checked against
 * @param cert this node's client certificate (absent: no client certificate)
 * @param key  the private key of {@code cert} (PKCS#8 PEM)
 */
public record EtcdTlsConfig(String ca, String cert, String key) {
}
