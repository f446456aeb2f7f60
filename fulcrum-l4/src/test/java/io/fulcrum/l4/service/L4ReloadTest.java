package io.fulcrum.l4.service;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.l4.testing.TcpBackend;
import io.fulcrum.l4.testing.TcpBackend.Mode;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.fulcrum.l4.testing.L4Configs.backend;
import static io.fulcrum.l4.testing.L4Configs.of;
import static io.fulcrum.l4.testing.L4Configs.pool;
import static io.fulcrum.l4.testing.L4Configs.service;
import static io.fulcrum.l4.testing.L4Configs.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Hitless reload of virtual services under load: eight clients each keep one connection and
 * exchange lines without pause while reloads add a VIP, add a service, change weights, remove
 * a backend that live connections use, and remove the added VIP and service. Every line must
 * come back on the connection it was sent on; any dropped connection fails the test.
 */
class L4ReloadTest {

    private static final int CLIENTS = 8;
    private final List<TcpBackend> backends = new ArrayList<>();
    private L4Service l4;

    @AfterEach
    void tearDown() throws IOException {
        if (l4 != null) {
            l4.close();
        }
        for (TcpBackend b : backends) {
            b.close();
        }
    }

    private TcpBackend server(String name) throws IOException {
        TcpBackend b = new TcpBackend(name, Mode.ECHO);
        backends.add(b);
        return b;
    }

    private static FulcrumConfig config(int port, List<String> vips, PoolConfig pool, VirtualServiceConfig... extra) {
        List<VirtualServiceConfig> services = new ArrayList<>();
        services.add(service("web", vips, tcp(port, "p")));
        services.addAll(List.of(extra));
        List<PoolConfig> pools = new ArrayList<>(List.of(pool));
        if (extra.length > 0) {
            pools.add(pool("q", null, null, pool.backends().getFirst()));
        }
        return of(pools, services);
    }

    @Test
    void reloadsThatChangeVirtualServicesDropNoConnection() throws Exception {
        TcpBackend a = server("a");
        TcpBackend b = server("b");
        TcpBackend c = server("c");
        int port = FreePorts.tcp();
        int otherPort = FreePorts.tcp();
        PoolConfig ab = pool("p", "weighted-round-robin", null, backend(a.address(), 1), backend(b.address(), 1));
        l4 = new L4Service(null);
        l4.start(config(port, List.of("127.0.0.2"), ab));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong exchanges = new AtomicLong();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int id = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.2", port), 2000);
                    s.setSoTimeout(5000);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    readLine(in); // the backend's name
                    for (int n = 0; !stop.get() && n < 200_000; n++) {
                        String line = "client" + id + "-" + n;
                        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                        String got = readLine(in);
                        if (!got.equals(line)) {
                            throw new IOException("sent " + line + ", got " + got);
                        }
                        exchanges.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        awaitProgress(exchanges, 200);

        // 1. A second VIP on the same service.
        l4.apply(config(port, List.of("127.0.0.2", "127.0.0.3"), ab));
        try (Socket s = new Socket("127.0.0.3", port)) {
            s.setSoTimeout(5000);
            assertThat(readLine(s.getInputStream())).isIn("a", "b");
        }
        awaitProgress(exchanges, 200);
        // 2. A new service on another port, and new weights with a third backend.
        PoolConfig abc = pool("p", "weighted-round-robin", null, backend(a.address(), 1), backend(b.address(), 3),
                backend(c.address(), 2));
        l4.apply(config(port, List.of("127.0.0.2", "127.0.0.3"), abc,
                service("extra", List.of("127.0.0.4"), tcp(otherPort, "q"))));
        try (Socket s = new Socket("127.0.0.4", otherPort)) {
            s.setSoTimeout(5000);
            assertThat(readLine(s.getInputStream())).isEqualTo("a");
        }
        awaitProgress(exchanges, 200);
        // 3. Backend a leaves (its live connections go on), the extra service and the second VIP go away.
        PoolConfig bc = pool("p", "weighted-round-robin", null, backend(b.address(), 3), backend(c.address(), 2));
        l4.apply(config(port, List.of("127.0.0.2"), bc));
        assertThatThrownBy(() -> new Socket("127.0.0.4", otherPort).close()).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> new Socket("127.0.0.3", port).close()).isInstanceOf(ConnectException.class);
        for (int i = 0; i < 10; i++) {
            try (Socket s = new Socket("127.0.0.2", port)) {
                s.setSoTimeout(5000);
                assertThat(readLine(s.getInputStream())).isIn("b", "c");
            }
        }
        awaitProgress(exchanges, 200);

        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(failures).isEmpty();
        assertThat(exchanges.get()).isGreaterThan(800);
    }

    private static void awaitProgress(AtomicLong counter, long more) {
        long target = counter.get() + more;
        await().atMost(Duration.ofSeconds(10)).until(() -> counter.get() >= target);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        if (c < 0 && sb.isEmpty()) {
            throw new IOException("connection closed");
        }
        return sb.toString();
    }
}
