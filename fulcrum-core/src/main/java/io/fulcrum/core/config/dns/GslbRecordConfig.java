package io.fulcrum.core.config.dns;

import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;
import java.util.List;

/**
 * A name answered from the sites by a chain of policies.
 *
 * @param name          the owner name (inside one of the zones)
 * @param tier          {@code lower}: answers with proxy VIPs; {@code upper}: refers to 3–5 lower-tier GSLB nodes
 * @param ttl           answer TTL; default 60 s for {@code lower}, 1 day for {@code upper}
 * @param policy        the chain of {@link PolicyStep steps}, applied in order; default
 *                      {@link BuiltInPolicySteps#defaultChain()}
 * @param sites         the sites answered from; default every site
 * @param answers       addresses (or nodes) per answer, best first; default 2 ({@code lower}) or 4 ({@code upper})
 */
public record GslbRecordConfig(String name, String tier, Duration ttl, List<ExtensionConfig<PolicyStep<?>>> policy,
                               List<String> sites,
                               Integer answers) {

    public GslbRecordConfig {
        tier = tier == null ? "lower" : tier;
        ttl = ttl == null ? ("upper".equals(tier) ? Duration.ofDays(1) : Duration.ofSeconds(60)) : ttl;
        policy = policy == null ? BuiltInPolicySteps.defaultChain() : List.copyOf(policy);
        sites = sites == null ? List.of() : List.copyOf(sites);
        answers = answers == null ? ("upper".equals(tier) ? 4 : 2) : answers;
    }

    /**
     * The settings of the first step of the chain whose settings are of {@code type}
     * (defaults filled in), or {@code null} when no step of the chain has them.
     */
    public <S extends Record> S stepSettings(Class<S> type) {
        for (ExtensionConfig<PolicyStep<?>> step : policy) {
            PolicyStep<?> factory = PolicyStep.registry().find(step.name()).orElse(null);
            if (factory != null && factory.settingsType() == type) {
                return type.cast(factory.settings(step.settings()));
            }
        }
        return null;
    }
}
