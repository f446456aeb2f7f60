package io.fulcrum.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.admin.testing.ThreeBackendNodeTest;
import io.fulcrum.control.config.schema.ConfigSchema;
import org.junit.jupiter.api.Test;

import static io.fulcrum.admin.testing.AdminFixture.READ_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/schema} over real HTTP: the configuration schema, for a read token, and only with one. */
class AdminSchemaEndpointTest extends ThreeBackendNodeTest {

    @Test
    void theConfigurationSchemaIsServedToAReadToken() throws Exception {
        JsonNode served = http.json("GET", api("schema"), READ_TOKEN, null, 200);

        assertThat(served).isEqualTo(ConfigSchema.generate());
        assertThat(served.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(served.at("/properties/pools/anyOf/0/items/$ref").asText()).isEqualTo("#/$defs/PoolConfig");
        assertThat(http.send("GET", api("schema"), null, null).statusCode()).isEqualTo(401);
    }
}
