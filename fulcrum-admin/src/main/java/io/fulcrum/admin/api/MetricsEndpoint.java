package io.fulcrum.admin.api;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /metrics}: the registry in the OpenMetrics text format (1.0.0) when the scrape's
 * {@code Accept} lists {@code application/openmetrics-text} (Prometheus sends it first), else
 * in the Prometheus text format (0.0.4), which every scraper reads.
 */
public final class MetricsEndpoint {

    private static final String OPENMETRICS = "application/openmetrics-text";

    private final PrometheusRegistry registry;
    private final ExpositionFormatWriter text = PrometheusTextFormatWriter.create();
    private final ExpositionFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

    public MetricsEndpoint(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** A scrape, ready to send, in the format {@code accept} (the request's header, may be {@code null}) asks for. */
    public ApiResponse scrape(String accept) {
        ExpositionFormatWriter writer = wantsOpenMetrics(accept) ? openMetrics : text;
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            return AdminApi.error(500, "metrics could not be written: " + e.getMessage());
        }
        return new ApiResponse(200, writer.getContentType(), out.toByteArray(), Map.of("Vary", "Accept"));
    }

    /**
     * Whether an {@code Accept} header lists the OpenMetrics media type with a weight above
     * zero ({@code q=0} means "not this one", RFC 9110 section 12.4.2).
     */
    static boolean wantsOpenMetrics(String accept) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(OPENMETRICS)) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0; // a weight we cannot read: do not take the range as asked for
                    }
                }
            }
            if (q > 0) {
                return true;
            }
        }
        return false;
    }
}
