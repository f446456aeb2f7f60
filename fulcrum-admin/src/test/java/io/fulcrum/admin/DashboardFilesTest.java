package io.fulcrum.admin;

import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's files as a browser (here curl) fetches them without a token: the page and its icons. */
class DashboardFilesTest {

    @TempDir
    Path dir;

    /** Status, content type and body of one {@code curl -sS} fetch. */
    private record Fetched(int status, String contentType, byte[] body) {
    }

    private Fetched curl(URI url) throws Exception {
        Path out = Files.createTempFile(dir, "body-", ".bin");
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", "-o", out.toString(),
                "-w", "%{http_code} %{content_type}", url.toString()).redirectErrorStream(true).start();
        String written = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl: %s", written).isZero();
        String[] parts = written.split(" ", 2);
        return new Fetched(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "", Files.readAllBytes(out));
    }

    @Test
    void theFaviconIsAnIconAndThePageNamesIt() throws Exception {
        List<NamedBackend> backends = List.of(NamedBackend.start("one"));
        try (TestNode node = TestNode.start(AdminFixture.write(dir, backends))) {
            Fetched ico = curl(node.adminUri().resolve("/favicon.ico"));
            assertThat(ico.status()).isEqualTo(200);
            assertThat(ico.contentType()).isEqualTo("image/x-icon");
            // An ICO directory (reserved 0, type 1 = icon, at least one image) whose image is a PNG.
            assertThat(ico.body()).startsWith(0, 0, 1, 0);
            assertThat(ico.body()[4] | ico.body()[5] << 8).isPositive();
            assertThat(new String(ico.body(), 22, 4, StandardCharsets.ISO_8859_1)).isEqualTo("\u0089PNG");

            Fetched svg = curl(node.adminUri().resolve("/ui/favicon.svg"));
            assertThat(svg.status()).isEqualTo(200);
            assertThat(svg.contentType()).isEqualTo("image/svg+xml");
            assertThat(new String(svg.body(), StandardCharsets.UTF_8)).contains("<svg");

            String page = new String(curl(node.adminUri().resolve("/")).body(), StandardCharsets.UTF_8);
            assertThat(page).contains("rel=\"icon\" href=\"/favicon.ico\"").contains("href=\"/ui/favicon.svg\"");
        } finally {
            backends.forEach(NamedBackend::close);
        }
    }
}
