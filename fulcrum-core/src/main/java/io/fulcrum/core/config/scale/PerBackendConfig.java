package io.fulcrum.core.config.scale;

/**
 * Thresholds on one backend's load, in the policy's metric: the pool also grows when its busiest
 * backend is above {@code scaleOutAbove} (a hot spot the average hides), and it shrinks only while
 * every backend is below {@code scaleInBelow}.
 *
 * @param scaleOutAbove grow when some backend's value is above it; {@code null}: no such rule
 * @param scaleInBelow  shrink only when every backend's value is below it; {@code null}: no such rule
 */
public record PerBackendConfig(Double scaleOutAbove, Double scaleInBelow) {

    /** No per-backend rule. */
    public static PerBackendConfig none() {
        return new PerBackendConfig(null, null);
    }
}
