package io.fulcrum.control.reload;

import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * The certificate, key and CA files a configuration names, each with its size and
 * modification time. A reload whose YAML is unchanged still applies when one of them
 * changed, so renewed certificates (replaced in place, then SIGHUP) are picked up.
 */
final class TlsFiles {

    private TlsFiles() {
    }

    /** Path to {@code size:mtime} (or {@code missing}) for every TLS file of the configuration. */
    static Map<String, String> stamp(FulcrumConfig c) {
        Map<String, String> m = new TreeMap<>();
        for (ListenerConfig l : c.listeners()) {
            if (l.tls() != null) {
                for (CertificateConfig cert : l.tls().certificates()) {
                    add(m, cert.certFile());
                    add(m, cert.keyFile());
                }
            }
        }
        for (PoolConfig p : c.pools()) {
            BackendTlsConfig t = p.tls();
            if (t != null) {
                add(m, t.caFile());
                add(m, t.certFile());
                add(m, t.keyFile());
            }
        }
        return m;
    }

    private static void add(Map<String, String> m, String file) {
        if (file == null || file.isBlank()) {
            return;
        }
        String stamp;
        try {
            BasicFileAttributes a = Files.readAttributes(Path.of(file), BasicFileAttributes.class);
            stamp = a.size() + ":" + a.lastModifiedTime().toMillis();
        } catch (IOException | InvalidPathException e) {
            stamp = "missing";
        }
        m.put(file, stamp);
    }
}
