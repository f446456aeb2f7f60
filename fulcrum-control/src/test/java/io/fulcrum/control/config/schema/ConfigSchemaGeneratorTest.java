package io.fulcrum.control.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.site.VipConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.Iterator;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema generator over the real records: structure, required fields, extensions, and the Javadoc it reads. */
class ConfigSchemaGeneratorTest {

    private final ObjectNode schema = ConfigSchema.generate();

    private JsonNode def(String name) {
        JsonNode d = schema.path("$defs").path(name);
        assertThat(d.isMissingNode()).as("$defs/%s", name).isFalse();
        return d;
    }

    @Test
    void everyComponentOfARecordIsAPropertyAndNothingElseIs() {
        JsonNode pool = def("PoolConfig");

        assertThat(pool.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(iteratorToList(pool.get("properties").fieldNames()))
                .containsExactly(java.util.Arrays.stream(PoolConfig.class.getRecordComponents())
                        .map(RecordComponent::getName).toArray(String[]::new));
        assertThat(pool.get("required")).extracting(JsonNode::asText).containsExactly("name");
        assertThat(def("ListenerConfig").get("required")).extracting(JsonNode::asText).containsExactly("name", "bind");
    }

    @Test
    void anExtensionIsOneOfItsRegisteredNamesOrOneNameMappedToItsSettings() {
        JsonNode algorithm = def("PoolConfig").at("/properties/algorithm");

        assertThat(algorithm.at("/anyOf/0/enum")).extracting(JsonNode::asText).contains("round-robin", "maglev");
        JsonNode withSettings = algorithm.at("/anyOf/1");
        assertThat(withSettings.get("maxProperties").asInt()).isEqualTo(1);
        assertThat(withSettings.at("/properties/maglev/anyOf/0/$ref").asText()).isEqualTo("#/$defs/MaglevSettings");
    }

    @Test
    void aShortFormRecordMayBeWrittenAsItsFirstValue() {
        JsonNode vip = def(VipConfig.class.getSimpleName());

        assertThat(vip.get("anyOf")).hasSize(2);
        assertThat(vip.at("/anyOf/0/type").asText()).isEqualTo("object");
        assertThat(vip.at("/anyOf/1/type").asText()).isEqualTo("string");
    }

    @Test
    void recordsAndFieldsAreDescribedByTheirJavadoc() {
        JsonNode pool = def("PoolConfig");

        assertThat(pool.get("description").asText()).isEqualTo("A pool of backends and how requests are spread over them.");
        // {@code h2c} is its text; a field's own words come before its type's.
        assertThat(pool.at("/properties/protocol/description").asText()).startsWith("how Fulcrum talks to the backends:"
                + " http/1.1 (default), h2c (HTTP/2 by prior knowledge, cleartext)");
        assertThat(pool.at("/properties/connectTimeout/description").asText())
                .startsWith("time allowed to open a backend connection\n\nA duration:");
    }

    @Test
    void javadocIsReadAsPlainText() {
        assertThat(RecordDocs.plain(" see {@link io.fulcrum.core.balance.BalancerRegistry}, <p>e.g. {@code 10s} &amp; "
                + "{@link Foo#bar the bar}\n   * done")).isEqualTo("see BalancerRegistry, e.g. 10s & the bar * done");
    }

    private static java.util.List<String> iteratorToList(Iterator<String> names) {
        java.util.List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    @Test
    void theOutputIsTheSameEveryTime() {
        assertThat(ConfigSchema.generateText()).isEqualTo(ConfigSchema.generateText());
    }
}
