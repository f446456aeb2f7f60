package io.fulcrum.app.imports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fulcrum import haproxy|nginx} on real configurations (Debian's shipped files, the benchmark
 * anchors', a larger realistic one): the converted file passes {@code fulcrum validate}, and each
 * directive not converted is named on stderr with its file and line. Malformed input gets one clear
 * error line with its place and no output.
 */
class ImportCommandTest {

    @TempDir
    Path dir;

    /** The fixture with its ports renumbered from 20001 (nothing listens: these tests only convert). */
    private Path source(String name) throws Exception {
        AtomicInteger next = new AtomicInteger(20001);
        return SourceFixture.of(name, dir, p -> next.getAndIncrement()).write(dir, Path.of(name).getFileName().toString());
    }

    /** Converts with -o, checks the exit code, validates the result with fulcrum validate and returns the run. */
    private Cli convertAndValidate(String format, Path source) throws Exception {
        Path out = dir.resolve(source.getFileName() + ".yaml");
        Cli imported = Cli.run("import", format, source.toString(), "-o", out.toString());
        assertThat(imported.exit()).as("import exit; stderr:%n%s", imported.err()).isZero();
        assertThat(imported.out()).as("with -o nothing goes to stdout").isEmpty();
        Cli validated = Cli.run("validate", "-c", out.toString());
        assertThat(validated.exit()).as("validate of%n%s%n%s", Files.readString(out), validated.err()).isZero();
        assertThat(validated.out()).contains(out + ": OK");
        return imported;
    }

    private static String warning(Path source, int line, String text) {
        return "warning: " + source + ":" + line + ": " + text;
    }

    @Test
    void theHttpBenchmarkHaproxyConfigurationConvertsAndValidates() throws Exception {
        Path src = source("bench/http-haproxy.cfg");
        Cli c = convertAndValidate("haproxy", src);
        assertThat(c.err())
                .contains(warning(src, 3, "maxconn 4000: not converted"))
                .contains(warning(src, 4, "pidfile "))
                .contains(warning(src, 11, "http-reuse always: converted approximately"))
                .contains(src + ": converted, 3 warning(s)");
        String yaml = Files.readString(dir.resolve("http-haproxy.cfg.yaml"));
        assertThat(yaml).contains("bind: 127.0.0.1:20001", "algorithm: smooth-weighted-round-robin",
                "connectTimeout: 2s", "responseTimeout: 30s", "eventLoopThreads: 1", "ownSession: true");
    }

    @Test
    void theL4BenchmarkHaproxyConfigurationBecomesVirtualServices() throws Exception {
        Path src = source("bench/l4-haproxy.cfg");
        Cli c = convertAndValidate("haproxy", src);
        assertThat(c.err()).contains(warning(src, 3, "maxconn 4000: not converted"));
        String yaml = Files.readString(dir.resolve("l4-haproxy.cfg.yaml"));
        assertThat(yaml).contains("virtualServices:", "name: l4bulk", "idle: 30s").doesNotContain("listeners:\n  -");
    }

    @Test
    void theBenchmarkNginxConfigurationsConvertAndValidate() throws Exception {
        Path http = source("bench/http-nginx.conf");
        Cli c = convertAndValidate("nginx", http);
        assertThat(c.err())
                .contains(warning(http, 1, "pid "))
                .contains(warning(http, 2, "worker_connections 4096: not converted"))
                .contains(warning(http, 3, "keepalive_requests 1000000: not converted"))
                .doesNotContain("proxy_http_version", "proxy_set_header"); // Fulcrum's behaviour already
        assertThat(Files.readString(dir.resolve("http-nginx.conf.yaml")))
                .contains("maxIdlePerBackend: 128", "enabled: false");
        Path l4 = source("bench/l4-nginx.conf");
        c = convertAndValidate("nginx", l4);
        assertThat(c.err()).contains(warning(l4, 1, "load_module /usr/lib/nginx/modules/ngx_stream_module.so: not converted"));
        assertThat(Files.readString(dir.resolve("l4-nginx.conf.yaml"))).contains("virtualServices:", "port: 20003");
    }

    @Test
    void debiansHaproxyCfgHasNothingThatAcceptsTrafficAndEveryDirectiveIsAccountedFor() throws Exception {
        Path src = source("debian/haproxy.cfg");
        Cli c = Cli.run("import", "haproxy", src.toString());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.out()).isEmpty();
        assertThat(c.err())
                .contains(warning(src, 2, "log /dev/log\tlocal0".replace('\t', ' ')))
                .contains(warning(src, 4, "chroot /var/lib/haproxy: not converted"))
                .contains(warning(src, 5, "stats socket /run/haproxy/admin.sock mode 660 level admin: not converted"))
                .contains(warning(src, 16, "ssl-default-bind-ciphers "))
                .contains(warning(src, 23, "option httplog: not converted"))
                .contains(warning(src, 34, "errorfile 504 /etc/haproxy/errors/504.http: not converted"))
                .contains("error: " + src + ": nothing to convert that accepts traffic");
        // The timeouts (lines 25-27) and "mode http" (22) are taken: no warning names them.
        assertThat(c.err()).doesNotContain(src + ":22:", src + ":25:", src + ":26:", src + ":27:", src + ":9:");
    }

    @Test
    void debiansHaproxyCfgWithAFrontendAndBackendAddedKeepsItsDefaults() throws Exception {
        Path src = Files.writeString(dir.resolve("haproxy.cfg"), SourceFixture.resource("debian/haproxy.cfg") + """

                frontend main
                \tbind 127.0.0.1:20080
                \tdefault_backend app

                backend app
                \tserver app1 127.0.0.1:20081 check
                """);
        convertAndValidate("haproxy", src);
        assertThat(Files.readString(dir.resolve("haproxy.cfg.yaml")))
                .contains("idle: 50s", "connectTimeout: 5s", "responseTimeout: 50s", "ownSession: true", "type: tcp");
    }

    @Test
    void debiansDefaultSiteOnlyServesFilesSoNothingIsConvertedAndEachPartIsNamed() throws Exception {
        Path src = source("debian/sites-available-default");
        Cli c = Cli.run("import", "nginx", src.toString());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err())
                .contains(warning(src, 21, "server: not converted: no location of this server has a proxy_pass"))
                .contains(warning(src, 41, "root /var/www/html: not converted"))
                .contains(warning(src, 44, "index index.html index.htm index.nginx-debian.html: not converted"))
                .contains(warning(src, 48, "location /: not converted: no proxy_pass"))
                .contains("error: " + src + ": nothing to convert that accepts traffic");
    }

    @Test
    void aSiteOnIpv4AndIpv6WildcardsBecomesOneDualStackListener() throws Exception {
        String site = SourceFixture.resource("debian/sites-available-default")
                .replace("try_files $uri $uri/ =404;", "proxy_pass http://127.0.0.1:20081;");
        Path nginx = Files.writeString(dir.resolve("site"), site);
        convertAndValidate("nginx", nginx);
        assertThat(Files.readString(dir.resolve("site.yaml"))).contains("bind: \"[::]:80\"").doesNotContain("0.0.0.0");
        Path haproxy = Files.writeString(dir.resolve("dual.cfg"), """
                frontend fe
                    bind :80
                    bind :::80 v4v6
                    default_backend be
                backend be
                    server s1 127.0.0.1:20081
                """);
        Cli c = convertAndValidate("haproxy", haproxy);
        assertThat(c.err()).contains(warning(haproxy, 2, "bind :80: converted approximately: served by the listener on [::]:80"))
                .contains(warning(haproxy, 3, "bind ... v4v6: not converted"));
        assertThat(Files.readString(dir.resolve("dual.cfg.yaml"))).contains("bind: \"[::]:80\"").doesNotContain("0.0.0.0");
    }

    @Test
    void theRealisticHaproxyConfigurationConvertsWithItsUnsupportedDirectivesNamed() throws Exception {
        Path src = source("realistic/haproxy.cfg");
        Cli c = convertAndValidate("haproxy", src);
        assertThat(c.err())
                .contains(warning(src, 9, "stats socket "))
                .contains(warning(src, 35, "acl is_post method POST: not converted: used by no use_backend rule"))
                .contains(warning(src, 36, "http-request set-header X-Frontend www: not converted"))
                .contains(warning(src, 46, "acl blocked src 10.0.0.0/8: not converted"))
                .contains(warning(src, 49, "use_backend web unless { path_beg /public/ }: not converted: a negated condition"))
                .contains(warning(src, 69, "cookie SERVERID insert indirect nocache: converted approximately"))
                .contains(warning(src, 81, "balance uri: not converted"));
        String yaml = Files.readString(dir.resolve("haproxy.cfg.yaml"));
        assertThat(yaml).contains("'*.static.example.com'", "pathPrefix: /v2/", "mode: cookie", "cookieName: SERVERID",
                "mode: source", "timeout: 30m", "state: backup", "weight: 3", "maxConnections: 100",
                "path: /healthz", "expectStatus: \"200\"", "interval: 5s", "ring-hash:", "name: X-Session",
                "least-connections", "source-ip-hash", "virtualServices:", "idle: 1h", "headerRead: 5s", "idle: 15s");
    }

    @Test
    void theRealisticNginxConfigurationConvertsWithItsUnsupportedDirectivesNamed() throws Exception {
        Path src = source("realistic/nginx.conf");
        Cli c = convertAndValidate("nginx", src);
        assertThat(c.err())
                .contains(warning(src, 18, "gzip on: not converted"))
                .contains(warning(src, 29, "ip_hash: converted approximately"))
                .contains(warning(src, 46, "location = /status: not converted: no proxy_pass"))
                .contains(warning(src, 47, "return 200 ok : not converted"))
                .contains(warning(src, 74, "root /var/www: not converted"))
                .contains(warning(src, 78, "add_header X-Served-By nginx: not converted"));
        String yaml = Files.readString(dir.resolve("nginx.conf.yaml"));
        assertThat(yaml).contains("pathRegex: .*(?:\\.php$).*", "consecutiveFailures: 3", "ejectTime: 20s",
                "source: cookie", "name: sid", "name: example.org-20010", "responseTimeout: 90s", "maxBodyBytes: 8m",
                "idle: 10m", "state: backup");
    }

    @Test
    void withoutOutputFileTheYamlGoesToStdoutAndTheWarningsToStderr() throws Exception {
        Path src = source("bench/http-haproxy.cfg");
        Cli c = Cli.run("import", "haproxy", src.toString());
        assertThat(c.exit()).isZero();
        assertThat(c.out()).startsWith("# Converted from http-haproxy.cfg (HAProxy) by fulcrum import.")
                .contains("listeners:").doesNotContain("warning:");
        assertThat(c.err()).contains("warning:").doesNotContain("listeners:");
    }

    @Test
    void malformedHaproxyInputGetsOneErrorWithItsFileAndLine() throws Exception {
        Path quote = Files.writeString(dir.resolve("quote.cfg"), "frontend fe\n  bind 127.0.0.1:8080\n  acl a hdr(host) \"x.example\n");
        Cli c = Cli.run("import", "haproxy", quote.toString());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).contains("error: " + quote + ":3: unclosed double quote");

        Path outside = Files.writeString(dir.resolve("outside.cfg"), "# comment\n  bind :80\nfrontend fe\n");
        c = Cli.run("import", "haproxy", outside.toString());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("error: " + outside + ":2: \"bind\" is outside any section");

        Path unnamed = Files.writeString(dir.resolve("unnamed.cfg"), "global\nbackend\n");
        assertThat(Cli.run("import", "haproxy", unnamed.toString()).err())
                .contains(unnamed + ":2: section \"backend\" needs a name");
    }

    @Test
    void malformedNginxInputGetsOneErrorWithItsFileAndLine() throws Exception {
        Path semicolon = Files.writeString(dir.resolve("semi.conf"), "http {\n  upstream be {\n    server 127.0.0.1:1\n  }\n}\n");
        Cli c = Cli.run("import", "nginx", semicolon.toString());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).contains("error: " + semicolon + ":3: \"server\" is not ended by ';' before '}'");

        Path open = Files.writeString(dir.resolve("open.conf"), "events {}\nhttp {\n  server { listen 80; }\n");
        assertThat(Cli.run("import", "nginx", open.toString()).err())
                .contains("error: " + open + ":2: the block opened here is not closed by '}'");

        Path extra = Files.writeString(dir.resolve("extra.conf"), "http { }\n}\n");
        assertThat(Cli.run("import", "nginx", extra.toString()).err())
                .contains("error: " + extra + ":2: unexpected '}': no block is open");

        Path quote = Files.writeString(dir.resolve("q.conf"), "http {\n  server_name 'a;\n}\n");
        assertThat(Cli.run("import", "nginx", quote.toString()).err())
                .contains("error: " + quote + ":2: unclosed single quote");
    }

    @Test
    void aFileThatCannotBeReadIsAFailureNamingIt() {
        Path missing = dir.resolve("missing.cfg");
        Cli c = Cli.run("import", "haproxy", missing.toString());
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err()).contains("cannot read " + missing);
    }
}
