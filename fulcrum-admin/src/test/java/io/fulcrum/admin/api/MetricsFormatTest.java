package io.fulcrum.admin.api;

import io.fulcrum.testsupport.MetricsText;
import io.fulcrum.testsupport.MetricsText.Format;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which format {@code /metrics} picks from an {@code Accept} header, and the strict parser the
 * metrics tests read scrapes with: it must refuse what the formats do not allow, or those tests
 * could pass on a broken exposition.
 */
class MetricsFormatTest {

    @Test
    void openMetricsOnlyWhenAcceptListsItWithAWeightAboveZero() {
        assertThat(MetricsEndpoint.wantsOpenMetrics("application/openmetrics-text;version=1.0.0;q=0.5,"
                + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2")).isTrue();
        assertThat(MetricsEndpoint.wantsOpenMetrics("Application/OpenMetrics-Text")).isTrue();
        assertThat(MetricsEndpoint.wantsOpenMetrics("text/plain, application/openmetrics-text; q=0.1")).isTrue();
        assertThat(MetricsEndpoint.wantsOpenMetrics("application/openmetrics-text; q=0, text/plain")).isFalse();
        assertThat(MetricsEndpoint.wantsOpenMetrics("application/openmetrics-text; q=0.0")).isFalse();
        assertThat(MetricsEndpoint.wantsOpenMetrics("application/openmetrics-text; q=abc")).isFalse();
        assertThat(MetricsEndpoint.wantsOpenMetrics("text/plain;version=0.0.4")).isFalse();
        assertThat(MetricsEndpoint.wantsOpenMetrics("*/*")).isFalse();
        assertThat(MetricsEndpoint.wantsOpenMetrics(null)).isFalse();
    }

    @Test
    void bothFormatsOfOneRegistryParseStrictlyWithTheSameValues() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter c = Counter.builder().name("fulcrum_things").help("Things.").labelNames("kind").register(registry);
        c.labelValues("a\"b\\c").inc(3);
        MetricsEndpoint endpoint = new MetricsEndpoint(registry);
        ApiResponse om = endpoint.scrape("application/openmetrics-text");
        assertThat(om.contentType()).isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
        MetricsText parsed = MetricsText.parse(new String(om.body(), StandardCharsets.UTF_8), Format.OPENMETRICS);
        assertThat(parsed.families()).containsKey("fulcrum_things");
        assertThat(parsed.value("fulcrum_things_total", Map.of("kind", "a\"b\\c"))).hasValue(3.0);
        ApiResponse text = endpoint.scrape(null);
        assertThat(text.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        MetricsText plain = MetricsText.parse(new String(text.body(), StandardCharsets.UTF_8), Format.PROMETHEUS);
        assertThat(plain.value("fulcrum_things_total", Map.of("kind", "a\"b\\c"))).hasValue(3.0);
    }

    @Test
    void theParserRefusesWhatTheFormatsDoNotAllow() {
        String family = "# TYPE x counter\nx_total 1\n";
        assertThat(MetricsText.parse(family + "# EOF\n", Format.OPENMETRICS).value("x_total", Map.of())).hasValue(1.0);
        assertRefused(family, Format.OPENMETRICS, "does not end with # EOF");
        assertRefused(family + "# EOF\nx_total 2\n", Format.OPENMETRICS, "after # EOF");
        assertRefused("# TYPE x_total counter\nx_total 1\n# EOF\n", Format.OPENMETRICS, "without _total");
        assertRefused("# TYPE x counter\nx 1\n# EOF\n", Format.OPENMETRICS, "outside its family");
        assertRefused("# TYPE x gauge\nx 1\n\n# EOF\n", Format.OPENMETRICS, "empty lines");
        assertRefused("x 1\n", Format.PROMETHEUS, "no TYPE yet");
        assertRefused("# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n", Format.PROMETHEUS, "twice");
        assertRefused("# TYPE x gauge\nx{a=1} 1\n", Format.PROMETHEUS, "quoted value");
        assertRefused("# TYPE x gauge\nx{a=\"1} 1\n", Format.PROMETHEUS, "unterminated");
        assertRefused("# TYPE x gauge\nx one\n", Format.PROMETHEUS, "not a number");
        assertRefused("# TYPE x gauge\nx 1\n# TYPE x gauge\n", Format.PROMETHEUS, "second TYPE");
        assertRefused("# TYPE x gauge\nx 1", Format.PROMETHEUS, "line feed");
        assertRefused("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0\n",
                Format.PROMETHEUS, "not cumulative");
        assertRefused("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 2\nh_sum 0\n",
                Format.PROMETHEUS, "not the count");
    }

    private static void assertRefused(String text, Format format, String why) {
        assertThatThrownBy(() -> MetricsText.parse(text, format)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why);
    }
}
