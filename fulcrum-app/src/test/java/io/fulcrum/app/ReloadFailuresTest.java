package io.fulcrum.app;

import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reloads that cannot succeed, in a real {@code fulcrum run}: they must leave the running
 * configuration serving and the reload machinery working (issue 24 items 4 and 5).
 */
class ReloadFailuresTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static String get(HttpClient http, int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static boolean refuses(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sighup(FulcrumProcess p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static void replace(Path file, String text) throws IOException {
        Path temp = Files.writeString(file.resolveSibling(".fulcrum.yaml.tmp"), text);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A 2 GB file (sparse: it takes no disk) used to end the watch thread with an
     * OutOfMemoryError in Files.readAllBytes, silently; SIGHUP's reload died the same way
     * with no word of why. Now it is refused with a message naming the file and the limit,
     * and the next change is reloaded.
     */
    @ParameterizedTest
    @ValueSource(strings = {"file watch", "SIGHUP"})
    void aHugeFileIsRefusedAndLaterChangesStillReload(String trigger) throws Exception {
        int port = FreePorts.tcp();
        boolean watch = trigger.equals("file watch");
        try (NamedBackend one = NamedBackend.start("one");
             NamedBackend two = NamedBackend.start("two");
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ReloadTestConfigs.routingTo(port, one));
            Path pidFile = dir.resolve("fulcrum.pid");
            List<String> args = new ArrayList<>(List.of("run", "-c", file.toString(), "--pid-file",
                    pidFile.toString()));
            if (!watch) {
                args.add("--no-watch");
            }
            try (FulcrumProcess p = FulcrumProcess.start(dir, args.toArray(String[]::new))) {
                // The pid file is written once the watcher and the SIGHUP handler are in place.
                await().atMost(LIMIT).until(() -> !p.isAlive() || Files.exists(pidFile));
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
                assertThat(get(http, port)).isEqualTo("200 one");

                Path huge = dir.resolve(".huge.tmp");
                try (RandomAccessFile raf = new RandomAccessFile(huge.toFile(), "rw")) {
                    raf.setLength(2L << 30);
                }
                Files.move(huge, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (!watch) {
                    sighup(p);
                }
                await().atMost(LIMIT).untilAsserted(() -> assertThat(p.stderr()).as("alive %s", p.isAlive())
                        .contains("reload refused: " + file + ": the file is 2147483648 bytes; "
                                + "a configuration file may be at most 67108864 bytes (64 MiB)"));
                assertThat(get(http, port)).isEqualTo("200 one");

                replace(file, ReloadTestConfigs.routingTo(port, two));
                if (!watch) {
                    sighup(p);
                }
                await().atMost(LIMIT).until(() -> get(http, port).equals("200 two"));
                assertThat(p.stderr()).doesNotContain("OutOfMemoryError");
            }
        }
    }

    /**
     * DNS moved to a port in use keeps answering on its old one (and with the new zone
     * data), the reload names it as failed; once the port is free the same file moves it.
     * Before, the old sockets were closed first and DNS went silent.
     */
    @Test
    void dnsMovedToAPortInUseKeepsAnsweringOnTheOldOne() throws Exception {
        int port = FreePorts.tcp();
        int dns = FreePorts.tcpAndUdp("127.0.0.1");
        try (NamedBackend one = NamedBackend.start("one");
             java.net.DatagramSocket taken = new java.net.DatagramSocket(
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int busy = taken.getLocalPort();
            String base = ReloadTestConfigs.routingTo(port, one) + """
                    dns:
                      listen: ["127.0.0.1:%d"]
                      zones:
                        - name: example.test
                          soa: {mname: ns1.example.test., rname: hostmaster@example.test}
                          records:
                            - {name: www, type: A, value: %s}
                    """;
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), base.formatted(dns, "192.0.2.10"));
            Path pidFile = dir.resolve("fulcrum.pid");
            try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString(), "--no-watch",
                    "--pid-file", pidFile.toString())) {
                await().atMost(LIMIT).until(() -> !p.isAlive() || Files.exists(pidFile));
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
                assertThat(dig(dns)).isEqualTo("192.0.2.10");

                replace(file, base.formatted(busy, "192.0.2.99"));
                sighup(p);
                await().atMost(LIMIT).untilAsserted(() -> assertThat(p.stderr())
                        .contains("the DNS server keeps [127.0.0.1:" + dns + "]"));
                assertThat(dig(dns)).isEqualTo("192.0.2.99");

                taken.close();
                sighup(p);
                await().atMost(LIMIT).until(() -> dig(busy).equals("192.0.2.99"));
                await().atMost(LIMIT).until(() -> !dig(dns).equals("192.0.2.99"));
            }
        }
    }

    private static String dig(int port) throws Exception {
        return Commands.dig("127.0.0.1", port, "www.example.test", "A");
    }

    /**
     * Moving a listener to an address in use used to close the old socket first and then
     * fail to bind the new one: the listener was gone. Now the new address is bound first;
     * on failure the listener keeps serving on the old one, the reload is reported failed
     * naming it, and a later reload (once the address is free) moves it. The admin server
     * moved in the same reload keeps its old address too, and the L4 and DNS parts of the
     * same file are still applied.
     */
    @Test
    void aListenerMovedToAnAddressInUseKeepsServingOnTheOldOne() throws Exception {
        int port = FreePorts.tcp();
        int admin = FreePorts.tcp();
        try (NamedBackend one = NamedBackend.start("one");
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket adminTaken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int busy = taken.getLocalPort();
            int adminBusy = adminTaken.getLocalPort();
            int vip = FreePorts.tcp();
            String base = ReloadTestConfigs.routingTo(port, one) + "admin:\n  bind: 127.0.0.1:%d\n";
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), base.formatted(admin));
            Path pidFile = dir.resolve("fulcrum.pid");
            try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString(), "--no-watch",
                    "--pid-file", pidFile.toString())) {
                await().atMost(LIMIT).until(() -> !p.isAlive() || Files.exists(pidFile));
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
                assertThat(get(http, port)).isEqualTo("200 one");
                assertThat(refuses(admin)).isFalse();

                String moved = base.formatted(adminBusy).replace("bind: 127.0.0.1:" + port, "bind: 127.0.0.1:" + busy)
                        + "virtualServices:\n  - name: tcp\n    vips: [127.0.0.1]\n    listeners:\n"
                        + "      - {port: " + vip + ", pool: app}\n";
                replace(file, moved);
                sighup(p);
                await().atMost(LIMIT).untilAsserted(() -> assertThat(p.stderr()).as("alive %s", p.isAlive()).contains("reload (SIGHUP) partly failed")
                        .contains("listener web keeps 127.0.0.1:" + port));
                assertThat(get(http, port)).isEqualTo("200 one");
                assertThat(refuses(admin)).isFalse();
                assertThat(p.stderr()).contains("the admin server keeps 127.0.0.1:" + admin);
                await().atMost(LIMIT).until(() -> !refuses(vip)); // the rest of the file is applied

                taken.close();
                adminTaken.close();
                sighup(p); // the same file again: the moves are tried again
                await().atMost(LIMIT).until(() -> get(http, busy).equals("200 one"));
                await().atMost(LIMIT).until(() -> refuses(port) && refuses(admin) && !refuses(adminBusy));
            }
        }
    }
}
