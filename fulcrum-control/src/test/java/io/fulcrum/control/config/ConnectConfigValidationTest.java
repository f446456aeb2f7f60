package io.fulcrum.control.config;

import io.fulcrum.core.config.ConnectConfig;
import io.fulcrum.core.config.FulcrumConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.warningsOf;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code listeners[].connect}: read from YAML, off by default, its ports checked with path and line. */
class ConnectConfigValidationTest {

    private static final String BASE = ConfigValidatorTest.BASE;

    /** The base configuration with a {@code connect} block on its listener. */
    private static String withConnect(String block) {
        return with(BASE, "    routes:\n      - name: api", block + "    routes:\n      - name: api");
    }

    @Test
    void offByDefaultWithPort443() throws Exception {
        ConnectConfig c = ConfigLoader.parse(BASE, "test.yaml").listeners().getFirst().connect();
        assertThat(c.enabled()).isFalse();
        assertThat(c.allowedPorts()).containsExactly(443);
    }

    @Test
    void enabledWithItsPortsIsReadAndValid() throws Exception {
        String yaml = withConnect("    connect:\n      enabled: true\n      allowedPorts: [443, 8443]\n");
        FulcrumConfig c = ConfigLoader.parse(yaml, "test.yaml"); // refused if it had an error
        assertThat(c.listeners().getFirst().connect()).isEqualTo(new ConnectConfig(true, List.of(443, 8443)));
        assertThat(warningsOf(yaml)).isEmpty();
    }

    @Test
    void aPortOutsideOneTo65535IsAnErrorAtItsLine() {
        String yaml = withConnect("    connect:\n      enabled: true\n      allowedPorts:\n        - 443\n        - 0\n");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("listeners[0].connect.allowedPorts[1]");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "- 0"));
        assertThat(e.message()).isEqualTo("must be between 1 and 65535 (got 0)");
        assertThat(onlyError(withConnect("    connect:\n      allowedPorts: [65536]\n")).path())
                .isEqualTo("listeners[0].connect.allowedPorts[0]");
    }

    @Test
    void aPortListedTwiceIsAnError() {
        ConfigError e = onlyError(withConnect("    connect:\n      enabled: true\n      allowedPorts: [443, 443]\n"));
        assertThat(e.path()).isEqualTo("listeners[0].connect.allowedPorts[1]");
        assertThat(e.message()).startsWith("port 443 is listed twice (also at listeners[0].connect.allowedPorts[0]");
    }

    @Test
    void enabledWithNoPortIsAnError() {
        String yaml = withConnect("    connect:\n      enabled: true\n      allowedPorts: []\n");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("listeners[0].connect.allowedPorts");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "allowedPorts"));
        assertThat(e.message()).contains("every CONNECT would get 403");
    }

    @Test
    void anUnknownFieldIsNamed() {
        assertThat(onlyError(withConnect("    connect:\n      enable: true\n")).path())
                .isEqualTo("listeners[0].connect.enable");
    }
}
