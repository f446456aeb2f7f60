package io.fulcrum.admin.api;

import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.admin.testing.TestNode;
import io.fulcrum.core.backend.BackendState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.fulcrum.admin.testing.AdminFixture.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A method an endpoint does not serve gets {@code 405} with the {@code Allow} header
 * listing the methods the table has for that path, for every path of the table, over a
 * raw socket with an admin token; nothing changes. Until the table, {@code DELETE
 * /api/v1/backends} answered 200 with the backend list.
 */
class EndpointMethodsTest {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

    @TempDir
    Path dir;

    private final List<NamedBackend> backends = new ArrayList<>();
    private TestNode node;

    @BeforeEach
    void start() throws Exception {
        backends.add(NamedBackend.start("alpha"));
        node = TestNode.start(AdminFixture.write(dir, backends));
    }

    @AfterEach
    void stop() {
        node.close();
        backends.forEach(NamedBackend::close);
    }

    /** The path of an endpoint with the fixture's names filled in. */
    private static String concrete(ApiEndpoint e) {
        return e.path().replace("{pool}", "app").replace("{backend}", "alpha").replace("{listener}", "web")
                .replace("{route}", "default");
    }

    @Test
    void deleteOnTheBackendListIs405NotTheList() throws Exception {
        try (RawHttp c = RawHttp.connect(node.adminUri())) {
            RawHttp.Response r = c.request("DELETE", "/api/v1/backends", ADMIN_TOKEN);
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
            assertThat(r.body()).contains("DELETE is not served at /api/v1/backends");
        }
        assertThat(node.proxy().backend("app", "alpha")).isNotNull();
    }

    @Test
    void everyPathOfTheTableRefusesTheMethodsItDoesNotServe() throws Exception {
        int checked = 0;
        try (RawHttp c = RawHttp.connect(node.adminUri())) {
            for (ApiEndpoint e : ApiEndpoint.values()) {
                if (e == ApiEndpoint.EXTENSION) {
                    continue; // no extension service runs here; its path is a 404 (below)
                }
                Set<String> allowed = new LinkedHashSet<>();
                Arrays.stream(ApiEndpoint.values()).filter(o -> o.path().equals(e.path())).forEach(o -> {
                    allowed.add(o.method());
                    if (o.method().equals("GET")) {
                        allowed.add("HEAD");
                    }
                });
                for (String m : METHODS) {
                    if (allowed.contains(m)) {
                        continue;
                    }
                    RawHttp.Response r = c.request(m, concrete(e), ADMIN_TOKEN);
                    assertThat(r.status()).as(m + " " + e.path()).isEqualTo(405);
                    assertThat(Set.of(r.header("Allow").split(", "))).as(m + " " + e.path()).isEqualTo(allowed);
                    checked++;
                }
            }
            assertThat(c.request("GET", "/api/v1/no/such/thing", ADMIN_TOKEN).status()).isEqualTo(404);
            RawHttp.Response files = c.request("POST", "/", ADMIN_TOKEN);
            assertThat(files.status()).isEqualTo(405);
            assertThat(files.header("Allow")).isEqualTo("GET, HEAD");
            assertThat(c.request("DELETE", "/metrics", null).status()).isEqualTo(405);
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(node.proxy().backend("app", "alpha").state()).isEqualTo(BackendState.UP);
        assertThat(dir.resolve("fulcrum-state.json")).doesNotExist();
    }
}
