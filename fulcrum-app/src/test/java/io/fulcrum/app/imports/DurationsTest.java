package io.fulcrum.app.imports;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** HAProxy and NGINX times read with their own default units and written as exact Fulcrum durations. */
class DurationsTest {

    @Test
    void haproxyTimesAreMillisecondsUnlessTheySayOtherwise() {
        assertThat(Durations.format(Durations.haproxyMillis("5000"))).isEqualTo("5s");
        assertThat(Durations.format(Durations.haproxyMillis("1500"))).isEqualTo("1500ms");
        assertThat(Durations.format(Durations.haproxyMillis("30s"))).isEqualTo("30s");
        assertThat(Durations.format(Durations.haproxyMillis("90m"))).isEqualTo("90m");
        assertThat(Durations.format(Durations.haproxyMillis("24h"))).isEqualTo("1d");
        assertThat(Durations.haproxyMillis("1500us")).isEqualTo(2);
        assertThat(Durations.haproxyMillis("5x")).isEqualTo(-1);
        assertThat(Durations.haproxyMillis("")).isEqualTo(-1);
    }

    @Test
    void nginxTimesAreSecondsUnlessTheySayOtherwiseAndMayCombineUnits() {
        assertThat(Durations.format(Durations.nginxMillis("65"))).isEqualTo("65s");
        assertThat(Durations.format(Durations.nginxMillis("1h30m"))).isEqualTo("90m");
        assertThat(Durations.format(Durations.nginxMillis("500ms"))).isEqualTo("500ms");
        assertThat(Durations.format(Durations.nginxMillis("1w"))).isEqualTo("7d");
        assertThat(Durations.nginxMillis("10 s")).isEqualTo(-1);
        assertThat(Durations.nginxMillis("")).isEqualTo(-1);
    }
}
