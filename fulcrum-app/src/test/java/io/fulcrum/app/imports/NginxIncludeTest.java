package io.fulcrum.app.imports;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fulcrum import nginx} reads included files as NGINX does: Debian's shipped layout
 * (nginx.conf including mime.types, modules-enabled, conf.d and sites-enabled by absolute paths,
 * read here under {@code --include-root}), relative patterns from the main file's directory, in
 * sorted order; a missing file and a cycle are errors at the include's line.
 */
class NginxIncludeTest {

    @TempDir
    Path dir;
    private Path root;
    private Path nginx;
    private Path conf;

    /** Debian's /etc/nginx as the package installs it, with its default site enabled, under {@code root}. */
    @BeforeEach
    void debianLayout() throws Exception {
        root = dir.resolve("copy");
        nginx = Files.createDirectories(root.resolve("etc/nginx"));
        conf = Files.writeString(nginx.resolve("nginx.conf"), SourceFixture.resource("debian/nginx.conf"));
        Files.writeString(nginx.resolve("mime.types"), "types {\n    text/html html htm;\n    image/png png;\n}\n");
        Files.writeString(Files.createDirectories(nginx.resolve("modules-enabled")).resolve("50-mod-stream.conf"),
                "load_module modules/ngx_stream_module.so;\n");
        Files.createDirectories(nginx.resolve("conf.d"));
        Files.writeString(Files.createDirectories(nginx.resolve("sites-enabled")).resolve("default"),
                SourceFixture.resource("debian/sites-available-default"));
    }

    private Cli importNginx(Path file, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "import";
        args[1] = "nginx";
        args[2] = file.toString();
        System.arraycopy(more, 0, args, 3, more.length);
        return Cli.run(args);
    }

    private static String warning(Path source, int line, String text) {
        return "warning: " + source + ":" + line + ": " + text;
    }

    @Test
    void debiansShippedLayoutIsReadWholeAndOnlyServesFiles() {
        Cli c = importNginx(conf, "--include-root", root.toString());
        assertThat(c.exit()).as(c.err()).isEqualTo(2);
        Path site = nginx.resolve("sites-enabled/default");
        assertThat(c.err())
                .contains(warning(conf, 1, "user www-data: not converted"))
                .contains(warning(nginx.resolve("modules-enabled/50-mod-stream.conf"), 1,
                        "load_module modules/ngx_stream_module.so: not converted: Fulcrum's modules are built in"))
                .contains(warning(nginx.resolve("mime.types"), 1, "types: not converted"))
                .contains(warning(site, 21, "server: not converted: no location of this server has a proxy_pass"))
                .contains("error: " + conf + ": nothing to convert that accepts traffic")
                .doesNotContain("include ");
    }

    @Test
    void aSiteEnabledBesideTheDefaultIsConverted() throws Exception {
        Files.writeString(nginx.resolve("conf.d/upstreams.conf"), "upstream app { server 127.0.0.1:20081 weight=3; }\n");
        Files.writeString(nginx.resolve("sites-enabled/app"),
                "server {\n    listen 127.0.0.1:20080;\n    location / { proxy_pass http://app; }\n}\n");
        Path out = dir.resolve("out.yaml");
        Cli c = importNginx(conf, "--include-root", root.toString(), "-o", out.toString());
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(Files.readString(out)).contains("bind: 127.0.0.1:20080", "127.0.0.1:20081", "weight: 3",
                "path: /var/log/nginx/access.log");
        Cli validated = Cli.run("validate", "-c", out.toString());
        assertThat(validated.exit()).as(validated.err()).isZero();
    }

    @Test
    void relativePatternsAreReadFromTheMainFilesDirectoryInSortedOrder() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(Files.createDirectories(site.resolve("pools")).resolve("b.conf"),
                "upstream second { server 127.0.0.1:20092; }\n");
        Files.writeString(site.resolve("pools/a.conf"), "upstream first { server 127.0.0.1:20091; }\n");
        Files.writeString(site.resolve("pools/notes.txt"), "this is not configuration {\n");
        Path main = Files.writeString(site.resolve("main.conf"), """
                http {
                    include pools/*.conf;
                    server { listen 127.0.0.1:20090; location /a { proxy_pass http://first; }
                             location /b { proxy_pass http://second; } }
                }
                """);
        Cli c = importNginx(main);
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(c.out()).contains("127.0.0.1:20091", "127.0.0.1:20092");
        assertThat(c.out().indexOf("first")).isLessThan(c.out().indexOf("second"));
    }

    @Test
    void aMissingFileIsAnErrorAtTheIncludesLineAndAnUnmatchedPatternIsNot() throws Exception {
        Path main = Files.writeString(dir.resolve("main.conf"), """
                http {
                    include nothing/*.conf;
                    include missing.conf;
                }
                """);
        Cli c = importNginx(main);
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("error: " + main + ":3: include missing.conf: no such file")
                .doesNotContain(main + ":2:");
        assertThat(c.out()).isEmpty();
    }

    @Test
    void aFileThatIncludesItselfIsACycle() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "include b.conf;\n");
        Files.writeString(dir.resolve("b.conf"), "include a.conf;\n");
        Cli c = importNginx(dir.resolve("a.conf"));
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("error: " + dir.resolve("b.conf") + ":1: include a.conf includes")
                .contains("(a cycle)");
    }

    @Test
    void anIncludedFilesSyntaxErrorNamesThatFileAndLine() throws Exception {
        Files.writeString(dir.resolve("broken.conf"), "upstream app {\n    server 127.0.0.1:1\n}\n");
        Path main = Files.writeString(dir.resolve("main.conf"), "http { include broken.conf; }\n");
        Cli c = importNginx(main);
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("error: " + dir.resolve("broken.conf") + ":2:");
    }
}
