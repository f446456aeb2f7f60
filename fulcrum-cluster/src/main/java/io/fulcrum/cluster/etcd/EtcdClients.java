package io.fulcrum.cluster.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.config.store.EtcdTlsConfig;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Builds the one kind of jetcd {@link Client} every part of the cluster uses (the
 * configuration store, membership, election), from the {@code store.etcd} settings: all
 * endpoints behind one client (gRPC spreads calls over them and moves on from a failed
 * one), TLS with the given CA and optional client certificate, password authentication,
 * the connect timeout, and the reconnect back-off (from 100 ms doubling up to
 * {@code retryMaxDelay}).
 *
 * <p>Calls are not retried forever by the client: each caller bounds its own wait with
 * {@code requestTimeout} so that etcd being down never blocks anything for long.
 */
public final class EtcdClients {

    private static final long FIRST_RETRY_DELAY_MILLIS = 100;

    private EtcdClients() {
    }

    /**
     * A client for these settings.
     *
     * @param settings the {@code store.etcd} section
     * @param baseDir  the directory relative TLS file names are resolved against (the bootstrap file's)
     * @throws IllegalArgumentException when no endpoint is given or the TLS files cannot be read
     */
    public static Client create(EtcdStoreConfig settings, Path baseDir) {
        if (settings.endpoints().isEmpty()) {
            throw new IllegalArgumentException("store.etcd.endpoints: at least one endpoint is needed");
        }
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints().toArray(String[]::new))
                .connectTimeout(settings.connectTimeout())
                .retryChronoUnit(ChronoUnit.MILLIS)
                .retryDelay(FIRST_RETRY_DELAY_MILLIS)
                .retryMaxDelay(Math.max(FIRST_RETRY_DELAY_MILLIS, settings.retryMaxDelay().toMillis()))
                // Calls are bounded by their caller's timeout; within it, retry on another endpoint.
                .retryMaxDuration(settings.requestTimeout())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(settings.requestTimeout())
                .keepaliveWithoutCalls(true);
        if (settings.user() != null) {
            builder.user(bytes(settings.user()));
            builder.password(bytes(settings.password() == null ? "" : settings.password()));
        }
        if (settings.tls() != null) {
            builder.sslContext(sslContext(settings.tls(), baseDir));
        }
        return builder.build();
    }

    /** UTF-8 bytes of a text, as jetcd takes keys and values. */
    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static io.netty.handler.ssl.SslContext sslContext(EtcdTlsConfig tls, Path baseDir) {
        try {
            SslContextBuilder ssl = io.grpc.netty.GrpcSslContexts.forClient();
            if (tls.ca() != null) {
                ssl.trustManager(resolve(baseDir, tls.ca()).toFile());
            }
            if (tls.cert() != null) {
                ssl.keyManager(resolve(baseDir, tls.cert()).toFile(), resolve(baseDir, tls.key()).toFile());
            }
            return ssl.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("store.etcd.tls: " + e.getMessage(), e);
        }
    }

    private static Path resolve(Path baseDir, String file) {
        Path p = Path.of(file);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
    }
}
