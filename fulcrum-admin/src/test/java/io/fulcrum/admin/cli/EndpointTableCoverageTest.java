package io.fulcrum.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.admin.api.ApiEndpoint;
import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.admin.testing.Http;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.testing.TestNode;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.fulcrum.admin.testing.AdminFixture.READ_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint table is the one list of endpoints: every row is served in
 * {@code GET /api/v1/help} (same method, path, role, body limit), written in
 * {@code docs/openapi.yaml} (same method and path, the {@code change} tag exactly for the
 * admin role) and called by a {@code fulcrum ctl} command, and nothing outside it is.
 */
class EndpointTableCoverageTest {

    @TempDir
    Path dir;

    private static Set<String> table() {
        return Arrays.stream(ApiEndpoint.values()).map(e -> e.method() + " " + e.path())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void helpListsEveryEndpointOfTheTableAsDeclared() throws Exception {
        List<NamedBackend> backends = List.of(NamedBackend.start("one"));
        try (Http http = new Http(); TestNode node = TestNode.start(AdminFixture.write(dir, backends))) {
            JsonNode help = http.json("GET", node.adminUri().resolve("api/v1/help"), READ_TOKEN, null, 200);
            Map<String, JsonNode> served = new HashMap<>();
            help.get("endpoints").forEach(e -> served.put(e.get("method").asText() + " " + e.get("path").asText(), e));
            assertThat(new TreeSet<>(served.keySet())).isEqualTo(table());
            for (ApiEndpoint e : ApiEndpoint.values()) {
                JsonNode h = served.get(e.method() + " " + e.path());
                assertThat(h.get("role").asText()).as(e.name()).isEqualTo(e.role().name().toLowerCase(Locale.ROOT));
                assertThat(h.get("help").asText()).as(e.name()).isEqualTo(e.help()).isNotBlank();
                assertThat(h.get("maxBodyBytes").asInt()).as(e.name()).isEqualTo(e.maxBody());
                assertThat(h.get("params")).as(e.name()).hasSize(e.params().size());
            }
        } finally {
            backends.forEach(NamedBackend::close);
        }
    }

    @Test
    void theOpenApiDocumentHasExactlyTheTablesEndpoints() throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        var api = new OpenAPIV3Parser().readContents(Files.readString(Path.of("..", "docs", "openapi.yaml")), null, options)
                .getOpenAPI();
        Set<String> documented = new TreeSet<>();
        Map<String, List<String>> tags = new HashMap<>();
        for (Map.Entry<String, PathItem> p : api.getPaths().entrySet()) {
            if (!p.getKey().startsWith("/api/v1/")) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> op : p.getValue().readOperationsMap().entrySet()) {
                String key = op.getKey().name() + " " + p.getKey();
                documented.add(key);
                tags.put(key, op.getValue().getTags() == null ? List.of() : op.getValue().getTags());
            }
        }
        assertThat(documented).isEqualTo(table());
        for (ApiEndpoint e : ApiEndpoint.values()) {
            assertThat(tags.get(e.method() + " " + e.path()).contains("change")).as(e.name() + " tagged change")
                    .isEqualTo(e.role().mayChange());
        }
    }

    @Test
    void everyEndpointIsCalledByACtlCommandAndEveryCommandCallsTableEndpoints() {
        CommandLine ctl = CtlCommand.commandLine();
        Set<ApiEndpoint> called = new HashSet<>();
        Set<String> dedicated = new HashSet<>();
        List<CommandLine> commands = new java.util.ArrayList<>(ctl.getSubcommands().values());
        for (int i = 0; i < commands.size(); i++) {
            CommandLine sub = commands.get(i);
            commands.addAll(sub.getSubcommands().values()); // groups such as `cluster stats` or `cluster nodes`
            if (sub.getCommand() instanceof CtlCommand.Action a) {
                assertThat(a.calls()).as(sub.getCommandName() + " names the endpoints it calls").isNotEmpty();
                called.addAll(a.calls());
                if (!(a instanceof CtlCommand.Get)) {
                    a.calls().forEach(e -> dedicated.add(e.name()));
                }
            }
        }
        assertThat(called).containsExactlyInAnyOrder(ApiEndpoint.values());
        // `get PATH` reads anything; every change has a command of its own.
        for (ApiEndpoint e : ApiEndpoint.values()) {
            if (!e.method().equals("GET")) {
                assertThat(dedicated).as("a ctl command for " + e.method() + " " + e.path()).contains(e.name());
            }
        }
    }
}
