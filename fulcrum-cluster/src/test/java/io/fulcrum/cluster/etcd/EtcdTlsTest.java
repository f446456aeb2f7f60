package io.fulcrum.cluster.etcd;

import io.etcd.jetcd.Client;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.config.store.EtcdTlsConfig;
import io.fulcrum.testsupport.EtcdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link EtcdClients} with {@code store.etcd.tls} against a real etcd that serves TLS and
 * requires client certificates (made here with openssl).
 */
class EtcdTlsTest {

    @TempDir
    Path dir;

    private void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }

    /** A key and a certificate signed by the test CA, with these extensions. */
    private void signed(String name, String extensions) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    @Test
    void aClientCertificateLogsIntoAnEtcdThatRequiresOne() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=fulcrum-test-ca");
        signed("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        signed("client", "extendedKeyUsage=clientAuth");
        Path ca = dir.resolve("ca.pem");
        EtcdProcess.Tls server = new EtcdProcess.Tls(dir.resolve("server.pem"), dir.resolve("server.key"), ca);
        EtcdProcess.Tls client = new EtcdProcess.Tls(dir.resolve("client.pem"), dir.resolve("client.key"), ca);

        try (EtcdProcess etcd = EtcdProcess.create("tls").tls(server, client)) {
            etcd.start();
            etcd.awaitHealthy();
            assertThat(etcd.endpoint()).startsWith("https://");

            // Relative file names, resolved against the bootstrap file's directory.
            EtcdStoreConfig settings = new EtcdStoreConfig(List.of(etcd.endpoint()), "/t",
                    new EtcdTlsConfig("ca.pem", "client.pem", "client.key"), null, null, null,
                    Duration.ofSeconds(5), null, null);
            try (Client c = EtcdClients.create(settings, dir)) {
                c.getKVClient().put(EtcdClients.bytes("/t/k"), EtcdClients.bytes("over tls")).get(20, TimeUnit.SECONDS);
            }
            assertThat(etcd.etcdctl("get", "/t/k", "--print-value-only")).isEqualTo("over tls\n");

            // Without the client certificate etcd refuses the connection.
            EtcdStoreConfig noCert = new EtcdStoreConfig(List.of(etcd.endpoint()), "/t",
                    new EtcdTlsConfig("ca.pem", null, null), null, null, null, Duration.ofSeconds(3), null, null);
            try (Client c = EtcdClients.create(noCert, dir)) {
                assertThatThrownBy(() -> c.getKVClient().get(EtcdClients.bytes("/t/k")).get(5, TimeUnit.SECONDS))
                        .isNotNull();
            }
        }
    }
}
