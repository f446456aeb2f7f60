package io.fulcrum.control.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigUnitsTest {

    @ParameterizedTest
    @CsvSource({
            "250ms, PT0.25S",
            "10s, PT10S",
            "5m, PT5M",
            "1h, PT1H",
            "2d, PT48H",
            "1h30m, PT1H30M",
            "1.5s, PT1.5S",
            "0s, PT0S",
            "0ms, PT0S",
            "PT10S, PT10S",
            "pt10s, PT10S",
            "P1D, PT24H",
            "-5s, PT-5S",
            "' 10s ', PT10S",
    })
    void parsesDurations(String text, String iso) {
        assertThat(ConfigUnits.parseDuration(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "0", "1.5", "-3"})
    void refusesBareNumbersAskingForAUnit(String text) {
        assertThatThrownBy(() -> ConfigUnits.parseDuration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a unit")
                .hasMessageContaining(text.strip() + "s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10 sec", "10x", "s", "10S", "1h 30m", "P", "PTXS", "ms10", "10ms5"})
    void refusesMalformedDurations(String text) {
        assertThatThrownBy(() -> ConfigUnits.parseDuration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a duration");
    }

    @Test
    void refusesEmptyAndHugeDurations() {
        assertThatThrownBy(() -> ConfigUnits.parseDuration(" ")).hasMessageContaining("empty duration");
        assertThatThrownBy(() -> ConfigUnits.parseDuration("999999999999d")).hasMessageContaining("too long");
        assertThatThrownBy(() -> ConfigUnits.parseDuration("PT99999999999999H")).hasMessageContaining("too long");
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "512, 512",
            "512b, 512",
            "16k, 16384",
            "16K, 16384",
            "16kb, 16384",
            "16KiB, 16384",
            "1m, 1048576",
            "1g, 1073741824",
            "' 8 k ', 8192",
            "8589934592, 8589934592",
    })
    void parsesByteSizes(String text, long bytes) {
        assertThat(ConfigUnits.parseByteSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5m", "-1k", "16 kilobytes", "k", "16t", "1mb2"})
    void refusesMalformedSizes(String text) {
        assertThatThrownBy(() -> ConfigUnits.parseByteSize(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a byte size");
    }

    @Test
    void refusesHugeSizes() {
        assertThatThrownBy(() -> ConfigUnits.parseByteSize("99999999999g")).hasMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT0.25S, 250ms", "PT10S, 10s", "PT1H30M, 1h30m", "PT48H, 2d", "PT-5S, -5s",
            "PT0.0000001S, PT0.0000001S"})
    void formatsDurations(String iso, String text) {
        Duration d = Duration.parse(iso);
        assertThat(ConfigUnits.formatDuration(d)).isEqualTo(text);
        assertThat(ConfigUnits.parseDuration(ConfigUnits.formatDuration(d))).isEqualTo(d);
    }
}
