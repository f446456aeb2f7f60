package io.fulcrum.admin;

import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.admin.testing.Http;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.testing.TestNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document in docs/ is valid OpenAPI 3, and the server serves exactly that file. */
class OpenApiDocumentTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentValidatesAndIsServedAsIs() throws Exception {
        Path doc = Path.of("..", "docs", "openapi.yaml");
        String text = Files.readString(doc);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        OpenAPI api = result.getOpenAPI();
        assertThat(api.getOpenapi()).startsWith("3.");
        assertThat(api.getPaths()).containsKeys("/api/v1/backends", "/api/v1/pools/{pool}/backends/{backend}/drain",
                "/api/v1/events/stream", "/api/v1/reload", "/metrics");
        assertThat(api.getComponents().getSecuritySchemes()).containsKey("bearer");

        List<NamedBackend> backends = List.of(NamedBackend.start("one"));
        try (Http http = new Http(); TestNode node = TestNode.start(AdminFixture.write(dir, backends))) {
            assertThat(http.get(node.adminUri().resolve("api/openapi.yaml"))).isEqualTo(text);
        } finally {
            backends.forEach(NamedBackend::close);
        }
    }
}
