package io.fulcrum.control.config;

import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.ErrorPageConfig;
import io.fulcrum.core.config.FulcrumConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fulcrum.control.config.ConfigTestSupport.errorsOf;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** The access log's template, fields and syslog, a listener's request id and error pages: path, line, message. */
class LoggingConfigValidationTest {

    private static final String BASE = """
            accessLog:
              format: text
              template: '%{time} %{client} "%{method} %{uri}" %{status} %{request_id}'
              fields: [time, status, user_agent]
              syslog:
                address: udp://127.0.0.1:514
                facility: local3
                severity: notice
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                forwarded:
                  requestId:
                    header: X-Trace-Id
                errorPages:
                  - status: 503
                    file: /srv/pages/503.html
                  - status: 502
                    file: /srv/pages/502.page
                    contentType: text/html
                routes:
                  - name: all
                    pool: web
            pools:
              - name: web
                backends:
                  - address: 10.0.0.1:80
            """;

    private static ConfigError errorAfter(String original, String replacement, String path, String lineMarker) {
        String yaml = with(BASE, original, replacement);
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo(path);
        assertThat(e.line()).as("line of %s", path).isEqualTo(lineOf(yaml, lineMarker));
        return e;
    }

    @Test
    void theBaseIsValidAndBindsEveryField() throws Exception {
        assertThat(ConfigTestSupport.warningsOf(BASE)).isEmpty();
        FulcrumConfig c = ConfigLoader.parse(BASE, "t.yaml");
        AccessLogConfig a = c.accessLog();
        assertThat(a.fields()).containsExactly("time", "status", "user_agent");
        assertThat(a.syslog().facility()).isEqualTo("local3");
        assertThat(a.syslog().appName()).isEqualTo("fulcrum");
        assertThat(c.listeners().getFirst().forwarded().requestId().header()).isEqualTo("X-Trace-Id");
        assertThat(c.listeners().getFirst().errorPages()).containsExactly(
                new ErrorPageConfig(503, "/srv/pages/503.html", null),
                new ErrorPageConfig(502, "/srv/pages/502.page", "text/html"));
    }

    @Test
    void anUnknownTemplateFieldIsNamed() {
        ConfigError e = errorAfter("%{status} %{request_id}", "%{status} %{reqid}", "accessLog.template", "template:");
        assertThat(e.message()).startsWith("unknown field %{reqid}; known: time, client,");
    }

    @Test
    void anUnclosedPlaceholderIsRefused() {
        ConfigError e = errorAfter("%{request_id}'", "%{request_id'", "accessLog.template", "template:");
        assertThat(e.message()).contains("has no closing }");
    }

    @Test
    void anUnknownJsonFieldIsNamedWithASuggestion() {
        ConfigError e = errorAfter("[time, status, user_agent]", "[time, status, useragent]", "accessLog.fields[2]",
                "fields:");
        assertThat(e.message()).contains("unknown field \"useragent\"").contains("user_agent");
    }

    @Test
    void aSyslogAddressMustBeUdpOrUnix() {
        ConfigError e = errorAfter("udp://127.0.0.1:514", "tcp://127.0.0.1:514", "accessLog.syslog.address",
                "address: tcp");
        assertThat(e.message()).contains("udp://host:port").contains("unix:/dev/log");
        assertThat(ConfigTestSupport.warningsOf(with(BASE, "udp://127.0.0.1:514", "unix:/dev/log"))).isEmpty();
    }

    @Test
    void facilityAndSeverityAreSyslogNames() {
        errorAfter("facility: local3", "facility: local9", "accessLog.syslog.facility", "facility:");
        errorAfter("severity: notice", "severity: loud", "accessLog.syslog.severity", "severity:");
    }

    @Test
    void syslogAndAFileAreNotBothTaken() {
        errorAfter("  format: text\n", "  format: text\n  path: /var/log/a.log\n", "accessLog.path", "path:");
    }

    @Test
    void anErrorPageStatusIsAnErrorStatusGivenOnce() {
        errorAfter("status: 503", "status: 302", "listeners[0].errorPages[0].status", "status: 302");
        ConfigError twice = errorAfter("status: 502", "status:  503", "listeners[0].errorPages[1].status",
                "status:  503");
        assertThat(twice.message()).contains("has a page already");
    }

    @Test
    void anErrorPageNeedsAFile() {
        List<ConfigError> errors = errorsOf(with(BASE, "\n        file: /srv/pages/503.html", ""));
        assertThat(errors).extracting(ConfigError::path).containsExactly("listeners[0].errorPages[0].file");
    }

    @Test
    void aRequestIdHeaderIsAHeaderName() {
        errorAfter("header: X-Trace-Id", "header: \"X Trace\"", "listeners[0].forwarded.requestId.header", "header:");
    }
}
