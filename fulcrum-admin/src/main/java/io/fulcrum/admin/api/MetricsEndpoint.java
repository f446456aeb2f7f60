package io.fulcrum.admin.api;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/** {@code /metrics}: the registry in the Prometheus text format (version 0.0.4). */
public final class MetricsEndpoint {

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsEndpoint(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** A scrape, ready to send. */
    public ApiResponse scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            return AdminApi.error(500, "metrics could not be written: " + e.getMessage());
        }
        return new ApiResponse(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray(), Map.of());
    }
}
