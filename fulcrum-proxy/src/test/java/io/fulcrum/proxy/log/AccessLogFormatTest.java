package io.fulcrum.proxy.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The text access-log line stays one line with its own quotes whatever its fields hold (issue 24 item 8). */
class AccessLogFormatTest {

    @Test
    void everyTextFieldIsEscaped() {
        AccessRecord r = new AccessRecord(0, "127.0.0.1:1", "web", "r\"1", "GET", "/a\"b\\c", "HTTP/1.1", 502, 0, 0,
                "p/b", 1, 1000, -1, "bad\n2026-01-01T00:00:00Z forged \"line\" \u00e9\u2028");
        StringBuilder sb = new StringBuilder();
        AccessLogFormat.text(r, sb);
        String line = sb.toString();
        assertThat(line).doesNotContain("\n").doesNotContain("\u2028")
                .contains("web/r\\\"1 \"GET /a\\\"b\\\\c HTTP/1.1\"")
                .endsWith(" \"bad\\x0a2026-01-01T00:00:00Z forged \\\"line\\\" \\xe9\\u2028\"");
    }
}
