package io.fulcrum.app.imports;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.EchoServer;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fulcrum running a converted configuration serves the traffic the source served: the benchmark
 * anchors' HAProxy and NGINX configurations and the realistic ones, with real backends (each
 * answers with its name) on the ports the file names and real HTTP requests. Every check runs
 * against Fulcrum, and against the real HAProxy or NGINX with the source file when it is installed
 * (the Debian packages), so the expected routing is the reference's own.
 */
class ImportTrafficTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** Starts a backend answering {@code name} and returns its port. */
    private int backend(String name) throws Exception {
        NamedBackend b = NamedBackend.start(name);
        open.add(b);
        return Integer.parseInt(b.address().substring(b.address().lastIndexOf(':') + 1));
    }

    private int echo() throws Exception {
        EchoServer e = EchoServer.start();
        open.add(e);
        return e.port();
    }

    /** Converts {@code source} with {@code fulcrum import} and runs the result in a node. */
    private void runFulcrum(String format, SourceFixture source) throws Exception {
        Path in = source.write(dir, "source-" + format);
        Path out = dir.resolve("fulcrum.yaml");
        Cli c = Cli.run("import", format, in.toString(), "-o", out.toString());
        assertThat(c.exit()).as("import: %s", c.err()).isZero();
        FulcrumNode node = FulcrumNode.create(ConfigLoader.load(out), null);
        open.add(node);
        node.start();
    }

    /** The proxies under test: Fulcrum, and the reference when installed, by listener port mapping. */
    private Map<String, Map<Integer, Integer>> targets(SourceFixture fulcrum, SourceFixture reference, int... ports) {
        Map<String, Map<Integer, Integer>> t = new LinkedHashMap<>();
        Map<Integer, Integer> f = new HashMap<>();
        Map<Integer, Integer> r = new HashMap<>();
        for (int p : ports) {
            f.put(p, fulcrum.port(p));
            if (reference != null) {
                r.put(p, reference.port(p));
            }
        }
        t.put("fulcrum", f);
        if (reference != null) {
            t.put("reference", r);
        }
        return t;
    }

    /** The fixture with backend ports as given and every other port free. */
    private SourceFixture fixture(String name, Map<Integer, Integer> backends) {
        return SourceFixture.of(name, dir, p -> backends.getOrDefault(p, FreePorts.tcp()));
    }

    /** One GET on a new connection; the body, or {@code status N} when it is not a 200. */
    private static String get(int port, String host, String path, String... headers) throws Exception {
        try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
            RawHttp.Response r = c.send(request(host, path, headers) + "Connection: close\r\n\r\n").read();
            return r.status() == 200 ? r.body() : "status " + r.status();
        }
    }

    private static String request(String host, String path, String... headers) {
        StringBuilder b = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.toString();
    }

    /** {@code count} GETs of / on one keep-alive connection: the backends that answered, in order. */
    private static List<String> sequence(int port, String host, int count) throws Exception {
        List<String> out = new ArrayList<>();
        try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
            for (int i = 0; i < count; i++) {
                out.add(c.send(request(host, "/") + "\r\n").read().body());
            }
        }
        return out;
    }

    /** What a TCP relay gives back for one HTTP request sent through it (the backend's name). */
    private static String throughTcp(int port) throws Exception {
        return get(port, "db.internal", "/");
    }

    private static boolean installed(Path binary) {
        return Files.isExecutable(binary);
    }

    @Test
    void theHttpBenchmarkHaproxyConfigurationBalancesLikeHaproxy() throws Exception {
        Map<Integer, Integer> backends = Map.of(18081, backend("s1"), 18082, backend("s2"));
        SourceFixture mine = fixture("bench/http-haproxy.cfg", backends);
        runFulcrum("haproxy", mine);
        SourceFixture ref = null;
        if (installed(ReferenceProxy.HAPROXY)) {
            ref = fixture("bench/http-haproxy.cfg", backends);
            open.add(ReferenceProxy.haproxy(ref.write(dir, "reference.cfg"), List.of(ref.port(18090))));
        }
        for (var t : targets(mine, ref, 18090).entrySet()) {
            List<String> seq = sequence(t.getValue().get(18090), "bench", 10);
            assertThat(seq).as(t.getKey()).containsOnly("s1", "s2");
            assertThat(seq.stream().filter("s1"::equals).count()).as(t.getKey() + ": round robin %s", seq).isEqualTo(5);
            for (int i = 1; i < seq.size(); i++) {
                assertThat(seq.get(i)).as(t.getKey() + ": alternates %s", seq).isNotEqualTo(seq.get(i - 1));
            }
        }
    }

    @Test
    void theHttpBenchmarkNginxConfigurationBalancesLikeNginx() throws Exception {
        Map<Integer, Integer> backends = Map.of(18081, backend("s1"), 18082, backend("s2"));
        SourceFixture mine = fixture("bench/http-nginx.conf", backends);
        runFulcrum("nginx", mine);
        SourceFixture ref = null;
        if (installed(ReferenceProxy.NGINX)) {
            ref = fixture("bench/http-nginx.conf", backends);
            open.add(ReferenceProxy.nginx(ref.text(), dir, List.of(ref.port(18091))));
        }
        for (var t : targets(mine, ref, 18091).entrySet()) {
            List<String> seq = sequence(t.getValue().get(18091), "bench", 10);
            assertThat(seq.stream().filter("s1"::equals).count()).as(t.getKey() + ": round robin %s", seq).isEqualTo(5);
            assertThat(seq).as(t.getKey()).containsOnly("s1", "s2");
        }
    }

    @Test
    void theL4BenchmarkConfigurationsRelayLikeHaproxyAndNginx() throws Exception {
        Map<Integer, Integer> backends = Map.of(18081, backend("origin"), 15201, echo());
        for (String format : List.of("haproxy", "nginx")) {
            String name = format.equals("haproxy") ? "bench/l4-haproxy.cfg" : "bench/l4-nginx.conf";
            int port = format.equals("haproxy") ? 18190 : 18191;
            int bulk = format.equals("haproxy") ? 18290 : 18291;
            SourceFixture mine = fixture(name, backends);
            Path sub = Files.createDirectories(dir.resolve(format));
            Path in = Files.writeString(sub.resolve("source"), mine.text());
            Path out = sub.resolve("fulcrum.yaml");
            assertThat(Cli.run("import", format, in.toString(), "-o", out.toString()).exit()).isZero();
            FulcrumNode node = FulcrumNode.create(ConfigLoader.load(out), null);
            open.add(node);
            node.start();
            SourceFixture ref = null;
            Path binary = format.equals("haproxy") ? ReferenceProxy.HAPROXY : ReferenceProxy.NGINX;
            if (installed(binary)) {
                ref = fixture(name, backends);
                List<Integer> ports = List.of(ref.port(port), ref.port(bulk));
                open.add(format.equals("haproxy") ? ReferenceProxy.haproxy(ref.write(sub, "reference.cfg"), ports)
                        : ReferenceProxy.nginx(ref.text(), sub, ports));
            }
            for (var t : targets(mine, ref, port, bulk).entrySet()) {
                assertThat(throughTcp(t.getValue().get(port))).as(format + " " + t.getKey()).isEqualTo("origin");
                try (Socket s = new Socket("127.0.0.1", t.getValue().get(bulk))) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write("bulk bytes\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(s.getInputStream().readNBytes(11), StandardCharsets.US_ASCII))
                            .as(format + " " + t.getKey() + " bulk relay").isEqualTo("bulk bytes\n");
                }
            }
        }
    }

    @Test
    void theRealisticHaproxyConfigurationRoutesLikeHaproxy() throws Exception {
        Map<Integer, Integer> backends = new HashMap<>();
        String[][] servers = {{"19101", "web/web1"}, {"19102", "web/web2"}, {"19103", "web/web3"},
                {"19111", "api/api1"}, {"19112", "api/api2"}, {"19121", "api_v2/v2a"}, {"19122", "api_v2/v2b"},
                {"19131", "static/static1"}, {"19141", "shop/shop1"}, {"19142", "shop/shop2"},
                {"19151", "health/health1"}, {"19161", "admin/admin1"}, {"19201", "pg/pg1"}, {"19202", "pg/pg2"}};
        for (String[] s : servers) {
            backends.put(Integer.parseInt(s[0]), backend(s[1]));
        }
        SourceFixture mine = fixture("realistic/haproxy.cfg", backends);
        runFulcrum("haproxy", mine);
        SourceFixture ref = null;
        if (installed(ReferenceProxy.HAPROXY)) {
            ref = fixture("realistic/haproxy.cfg", backends);
            open.add(ReferenceProxy.haproxy(ref.write(dir, "reference.cfg"),
                    List.of(ref.port(19080), ref.port(19081), ref.port(19432))));
        }
        // Host, path -> the backend the ACLs choose.
        String[][] routing = {
                {"api.example.com", "/v2/users", "api_v2"}, {"API.Example.COM", "/v2/", "api_v2"},
                {"api.example.com", "/v1/users", "api"}, {"api.example.com", "/images/x.png", "api"},
                {"cdn.static.example.com", "/", "static"}, {"www.example.com", "/images/a.png", "static"},
                {"www.example.com", "/img/b", "static"}, {"shop.example.com", "/", "shop"},
                {"www.shop.example.com", "/cart", "shop"}, {"www.example.com", "/healthz", "health"},
                {"www.example.com", "/healthz/deep", "web"}, {"www.example.com", "/", "web"},
                {"static.example.com", "/", "web"}};
        for (var t : targets(mine, ref, 19080, 19081, 19432).entrySet()) {
            int www = t.getValue().get(19080);
            for (String[] r : routing) {
                assertThat(get(www, r[0], r[1])).as("%s: %s %s", t.getKey(), r[0], r[1]).startsWith(r[2] + "/");
            }
            int intranet = t.getValue().get(19081);
            assertThat(get(intranet, "intranet", "/admin/users")).as(t.getKey()).isEqualTo("admin/admin1");
            assertThat(get(intranet, "intranet", "/public/x")).as(t.getKey()).startsWith("web/");
            // weights 3:1, the backup never used while both are up
            List<String> seq = sequence(intranet, "intranet", 16);
            assertThat(seq.stream().filter("web/web1"::equals).count()).as("%s: %s", t.getKey(), seq).isEqualTo(12);
            assertThat(seq.stream().filter("web/web2"::equals).count()).as("%s: %s", t.getKey(), seq).isEqualTo(4);
            // cookie stickiness: the cookie of the first answer keeps the client on its server
            String first;
            String cookie;
            try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", www))) {
                RawHttp.Response r = c.send(request("api.example.com", "/v1/a") + "Connection: close\r\n\r\n").read();
                first = r.body();
                cookie = r.header("set-cookie");
            }
            assertThat(cookie).as(t.getKey()).startsWith("SERVERID=");
            String pair = cookie.split(";")[0];
            for (int i = 0; i < 6; i++) {
                assertThat(get(www, "api.example.com", "/v1/a", "Cookie: " + pair)).as(t.getKey()).isEqualTo(first);
            }
            // stick on src / a header hash: the same client or session stays on one server
            String v2 = get(www, "api.example.com", "/v2/a");
            String shop = get(www, "shop.example.com", "/", "X-Session: s-42");
            for (int i = 0; i < 4; i++) {
                assertThat(get(www, "api.example.com", "/v2/a")).as(t.getKey()).isEqualTo(v2);
                assertThat(get(www, "shop.example.com", "/", "X-Session: s-42")).as(t.getKey()).isEqualTo(shop);
            }
            // mode tcp: relayed to the first server, the backup idle
            assertThat(throughTcp(t.getValue().get(19432))).as(t.getKey()).isEqualTo("pg/pg1");
        }
    }

    @Test
    void theRealisticNginxConfigurationRoutesLikeNginx() throws Exception {
        Map<Integer, Integer> backends = new HashMap<>();
        String[][] servers = {{"19301", "app/1"}, {"19302", "app/2"}, {"19303", "app/backup"},
                {"19311", "api/1"}, {"19312", "api/2"}, {"19321", "sessions/1"}, {"19322", "sessions/2"},
                {"19331", "php/1"}, {"19341", "org/1"}, {"19401", "db/1"}, {"19402", "db/backup"}};
        for (String[] s : servers) {
            backends.put(Integer.parseInt(s[0]), backend(s[1]));
        }
        SourceFixture mine = fixture("realistic/nginx.conf", backends);
        runFulcrum("nginx", mine);
        SourceFixture ref = null;
        if (installed(ReferenceProxy.NGINX)) {
            ref = fixture("realistic/nginx.conf", backends);
            open.add(ReferenceProxy.nginx(ref.text(), dir, List.of(ref.port(19380), ref.port(19381), ref.port(19432))));
        }
        String[][] routing = {
                {"anything.example", "/", "app"}, {"anything.example", "/v1/users", "app"},
                {"api.example.com", "/v1/users", "api"}, {"api.example.com", "/sessions/9", "sessions"},
                {"api.example.com", "/x/index.php", "php"}, {"api.example.com", "/v1/index.php", "php"},
                {"api.example.com", "/other", "app"}, {"API.EXAMPLE.COM", "/v1/", "api"}};
        for (var t : targets(mine, ref, 19380, 19381, 19432).entrySet()) {
            int main = t.getValue().get(19380);
            for (String[] r : routing) {
                assertThat(get(main, r[0], r[1])).as("%s: %s %s", t.getKey(), r[0], r[1]).startsWith(r[2] + "/");
            }
            int org = t.getValue().get(19381);
            assertThat(get(org, "www.example.org", "/")).as(t.getKey()).isEqualTo("org/1");
            assertThat(get(org, "example.org", "/a")).as(t.getKey()).isEqualTo("org/1");
            assertThat(get(org, "other.example", "/a")).as(t.getKey()).isEqualTo("org/1");
            String session = get(main, "api.example.com", "/sessions/1", "Cookie: sid=abc");
            for (int i = 0; i < 4; i++) {
                assertThat(get(main, "api.example.com", "/sessions/1", "Cookie: sid=abc")).as(t.getKey()).isEqualTo(session);
            }
            assertThat(throughTcp(t.getValue().get(19432))).as(t.getKey()).isEqualTo("db/1");
        }
    }
}
