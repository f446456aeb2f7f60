package io.fulcrum.control.reload;

import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.ErrorPageConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files a configuration names and the proxy reads when it compiles it — certificate, key
 * and CA files, listeners' error pages — each with its size and modification time. A reload
 * whose YAML is unchanged still applies when one of them changed, so renewed certificates and
 * edited error pages (replaced in place, then SIGHUP) are picked up.
 */
final class NamedFiles {

    private NamedFiles() {
    }

    /** Path to {@code size:mtime} (or {@code missing}) for every file the configuration names. */
    static Map<String, String> stamp(FulcrumConfig c) {
        Map<String, String> m = new TreeMap<>();
        for (ListenerConfig l : c.listeners()) {
            addTermination(m, l.tls());
            for (ErrorPageConfig page : l.errorPages()) {
                if (page != null) {
                    add(m, page.file());
                }
            }
        }
        for (PoolConfig p : c.pools()) {
            addOrigination(m, p.tls());
        }
        // L4 listeners terminate and originate TLS with the same two shapes.
        for (VirtualServiceConfig vs : c.virtualServices()) {
            for (L4ListenerConfig l : vs.listeners()) {
                addTermination(m, l.tls());
                addOrigination(m, l.backendTls());
            }
        }
        return m;
    }

    private static void addTermination(Map<String, String> m, TlsConfig tls) {
        if (tls != null) {
            for (CertificateConfig cert : tls.certificates()) {
                add(m, cert.certFile());
                add(m, cert.keyFile());
            }
        }
    }

    private static void addOrigination(Map<String, String> m, BackendTlsConfig t) {
        if (t != null) {
            add(m, t.caFile());
            add(m, t.certFile());
            add(m, t.keyFile());
        }
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
