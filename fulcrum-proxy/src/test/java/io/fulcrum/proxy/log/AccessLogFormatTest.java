package io.fulcrum.proxy.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.AccessLogField;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The access-log line: its template and fields, and one line with its own quotes whatever the fields hold. */
class AccessLogFormatTest {

    private static AccessRecord record(String route, String uri, String error) {
        return new AccessRecord(0, "127.0.0.1:1", "web", route, "GET", uri, "HTTP/1.1", "a.test", 502, 0, 0, "p",
                "b", "127.0.0.1:9", 1, 1000, -1, -1, "id-1", "curl/8", null, null, null, error);
    }

    private static String text(AccessLogConfig config, AccessRecord r) {
        StringBuilder sb = new StringBuilder();
        AccessLogFormat.of(config).format(r, sb);
        return sb.toString();
    }

    @Test
    void everyTextFieldIsEscaped() {
        String line = text(AccessLogConfig.defaults(), record("r\"1", "/a\"b\\c",
                "bad\n2026-01-01T00:00:00Z forged \"line\" \u00e9\u2028"));
        assertThat(line).doesNotContain("\n").doesNotContain("\u2028")
                .contains("web/r\\\"1 \"GET /a\\\"b\\\\c HTTP/1.1\"")
                .endsWith(" \"bad\\x0a2026-01-01T00:00:00Z forged \\\"line\\\" \\xe9\\u2028\"");
    }

    @Test
    void aTemplateWritesItsFieldsBetweenItsOwnText() {
        var config = new AccessLogConfig(true, "text", "stdout",
                "%{client_ip} port=%{client_port} %{host} \"%{path}\" %{status} %{backend_address} %{connect_ms}"
                        + " \"%{user_agent}\" \"%{referer}\" %{retries} 100%%", null, null);
        assertThat(text(config, record("r", "/x?q=1", null)))
                .isEqualTo("127.0.0.1 port=1 a.test \"/x\" 502 127.0.0.1:9 - \"curl/8\" \"-\" 0 100%");
    }

    @Test
    void jsonHasTheListedFieldsInOrderWithNullForAbsentOnes() throws Exception {
        List<String> all = Arrays.stream(AccessLogField.values()).map(AccessLogField::fieldName).toList();
        var config = new AccessLogConfig(true, "json", "stdout", null, all, null);
        String line = text(config, record("r", "/x?q=1", "connect refused \u00e9"));
        assertThat(line).doesNotContain("\u00e9"); // escaped: a line is ASCII whatever the bytes
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.properties().stream().map(java.util.Map.Entry::getKey).toList()).isEqualTo(all);
        assertThat(json.get("time").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(json.get("status").intValue()).isEqualTo(502);
        assertThat(json.get("total_ms").decimalValue()).isEqualByComparingTo("1.000");
        assertThat(json.get("backend_ms").isNull()).isTrue();
        assertThat(json.get("referer").isNull()).isTrue();
        assertThat(json.get("path").asText()).isEqualTo("/x");
        assertThat(json.get("backend").asText()).isEqualTo("p/b");
        assertThat(json.get("error").asText()).isEqualTo("connect refused \u00e9");
    }

    @Test
    void anUnknownFieldIsRefused() {
        assertThatThrownBy(() -> AccessLogFormat.of(new AccessLogConfig(true, "text", "stdout", "%{stauts}", null,
                null))).hasMessageContaining("unknown field %{stauts}");
    }
}
