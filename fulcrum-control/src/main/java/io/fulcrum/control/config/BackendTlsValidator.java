package io.fulcrum.control.config;

import io.fulcrum.core.config.BackendTlsConfig;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Semantic checks of a {@link BackendTlsConfig}, wherever TLS toward backends is set: a
 * pool's {@code tls} and an L4 listener's {@code backendTls} get the same rules and messages.
 */
final class BackendTlsValidator {

    private BackendTlsValidator() {
    }

    /** Reports problems of {@code t}, written at {@code tp}, through {@code error} and {@code warn}. */
    static void check(BackendTlsConfig t, String tp, BiConsumer<String, String> error,
                      BiConsumer<String, String> warn) {
        if (!t.enabled()) {
            return;
        }
        if (t.caFile() != null) {
            readableFile(error, SourceMap.field(tp, "caFile"), t.caFile());
            if (!t.verify()) {
                warn.accept(SourceMap.field(tp, "caFile"), "ignored: verify is off");
            }
        }
        if (!t.verify()) {
            warn.accept(SourceMap.field(tp, "verify"), "backend certificates are NOT verified: anyone on the path "
                    + "to the backends can read and change this traffic");
        }
        if (t.serverName() != null && t.serverName().isBlank()) {
            error.accept(SourceMap.field(tp, "serverName"), "must not be blank (leave it out to use each backend's host)");
        }
        if ((t.certFile() == null) != (t.keyFile() == null)) {
            String missing = t.certFile() == null ? "certFile" : "keyFile";
            error.accept(SourceMap.field(tp, missing), "required: a client certificate needs both certFile and keyFile");
        }
        if (t.certFile() != null) {
            readableFile(error, SourceMap.field(tp, "certFile"), t.certFile());
        }
        if (t.keyFile() != null) {
            readableFile(error, SourceMap.field(tp, "keyFile"), t.keyFile());
        }
        String protocolsPath = SourceMap.field(tp, "protocols");
        if (t.protocols().isEmpty()) {
            error.accept(protocolsPath, "at least one TLS version is required; supported: "
                    + String.join(", ", new TreeSet<>(ConfigValidator.TLS_PROTOCOLS)));
        }
        for (int k = 0; k < t.protocols().size(); k++) {
            if (!ConfigValidator.TLS_PROTOCOLS.contains(t.protocols().get(k))) {
                error.accept(SourceMap.index(protocolsPath, k), "must be one of "
                        + String.join(", ", new TreeSet<>(ConfigValidator.TLS_PROTOCOLS)) + " (got \"" + t.protocols().get(k) + "\")");
            }
        }
    }

    private static void readableFile(BiConsumer<String, String> error, String path, String file) {
        if (file.isBlank()) {
            error.accept(path, "must not be blank");
            return;
        }
        try {
            Path f = Path.of(file);
            if (!Files.isRegularFile(f)) {
                error.accept(path, "no such file: " + file);
            } else if (!Files.isReadable(f)) {
                error.accept(path, "file is not readable: " + file);
            }
        } catch (InvalidPathException e) {
            error.accept(path, "invalid path \"" + file + "\": " + e.getReason());
        }
    }
}
