package io.fulcrum.core.config.scale;

import java.util.Map;

/**
 * What a member the provisioner starts is as a backend of the pool (its address and name come
 * from the provisioner).
 *
 * @param weight         its weight; default 1
 * @param maxConnections most concurrent requests sent to it; 0 = unlimited (default)
 * @param site           the site it runs in (locality-aware balancing); default none
 * @param host           the host it runs on; default none
 * @param labels         labels added to the provisioner's own
 */
public record MemberTemplateConfig(Integer weight, Integer maxConnections, String site, String host,
                                   Map<String, String> labels) {

    public MemberTemplateConfig {
        weight = weight == null ? 1 : weight;
        maxConnections = maxConnections == null ? 0 : maxConnections;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The default template. */
    public static MemberTemplateConfig defaults() {
        return new MemberTemplateConfig(null, null, null, null, null);
    }
}
