package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.scale.AutoscaleConfig;
import io.fulcrum.core.config.scale.HealConfig;
import io.fulcrum.core.config.scale.MemberTemplateConfig;
import io.fulcrum.core.config.scale.PerBackendConfig;
import io.fulcrum.core.config.scale.ProxyTierAutoscaleConfig;
import io.fulcrum.core.config.scale.ScaleMetric;
import io.fulcrum.core.provision.ProvisionerFactory;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Semantic checks of {@code pools[].autoscale}: the provisioner (through its registry), the metric,
 * one way of deciding (a target, or both thresholds the right way round), the size limits, and the
 * timings. Every error names the field path so the loader can point at its line.
 */
final class AutoscaleConfigValidator {

    private final BiConsumer<String, String> error;
    private final BiConsumer<String, String> warn;

    private AutoscaleConfigValidator(BiConsumer<String, String> error, BiConsumer<String, String> warn) {
        this.error = error;
        this.warn = warn;
    }

    /** Checks {@code pool.autoscale()} when there is one; {@code poolPath} is the pool's path ({@code pools[2]}). */
    static void check(PoolConfig pool, String poolPath, BiConsumer<String, String> error,
                      BiConsumer<String, String> warn) {
        if (pool.autoscale() != null) {
            new AutoscaleConfigValidator(error, warn).run(pool, SourceMap.field(poolPath, "autoscale"));
        }
    }

    /**
     * Checks {@code cluster.proxyTier.autoscale} when there is one: the same rules as a pool's policy, a
     * proxy-tier metric, and a controller (only the leader, reading every node's statistics, decides).
     */
    static void checkProxyTier(FulcrumConfig config, BiConsumer<String, String> error) {
        ProxyTierAutoscaleConfig a = config.cluster().proxyTier().autoscale();
        if (a == null) {
            return;
        }
        String p = "cluster.proxyTier.autoscale";
        AutoscaleConfigValidator v = new AutoscaleConfigValidator(error, (path, message) -> { });
        if (!ProxyTierAutoscaleConfig.METRICS.contains(a.metric())) {
            error.accept(SourceMap.field(p, "metric"), "unknown proxy-tier metric \"" + a.metric() + "\""
                    + Suggestions.didYouMean(a.metric(), ProxyTierAutoscaleConfig.METRICS) + "; known: "
                    + String.join(", ", ProxyTierAutoscaleConfig.METRICS));
        }
        if (!config.controller().enabled()) {
            error.accept(p, "the proxy tier is scaled by the cluster's leader on every node's statistics: "
                    + "set controller.enabled");
        }
        v.provisioner(a.policy(), p, "the proxy nodes, such as provisioner: {exec: {command: ...}}");
        v.limits(a.policy(), p, "proxy nodes the tier");
    }

    private void run(PoolConfig pool, String p) {
        AutoscaleConfig a = pool.autoscale();
        provisioner(a, p, "the pool's members, such as provisioner: {process: {command: ...}}");
        ScaleMetric metric = ScaleMetric.named(a.metric()).orElse(null);
        if (metric == null) {
            error.accept(SourceMap.field(p, "metric"), "unknown metric \"" + a.metric() + "\""
                    + Suggestions.didYouMean(a.metric(), ScaleMetric.names()) + "; known: " + String.join(", ", ScaleMetric.names()));
        }
        limits(a, p, "members the pool");
        if (metric == ScaleMetric.CONNECTIONS_RATIO && a.member().maxConnections() == 0) {
            error.accept(SourceMap.field(p, "metric"), "connectionsRatio needs the members' max connections "
                    + "(member.maxConnections > 0): the ratio is requests in flight over it");
        }
        if (metric == ScaleMetric.HOST_CPU && pool.health().agent() == null) {
            error.accept(SourceMap.field(p, "metric"), "hostCpu comes from the host agents: the pool needs "
                    + "health.agent");
        }
        checkPerBackend(a.perBackend(), SourceMap.field(p, "perBackend"));
        checkMember(a.member(), SourceMap.field(p, "member"), pool.weightBound());
        checkHeal(a.heal(), SourceMap.field(p, "heal"));
        if (pool.health().slowStart().isZero() && !a.dryRun()) {
            warn.accept(SourceMap.field(p, "provisioner"), "new members take their full weight at once: set "
                    + "health.slowStart for them to ramp up");
        }
    }

    /** The provisioner, through its registry ({@code what} it starts, for the message of a missing one). */
    private void provisioner(AutoscaleConfig a, String p, String what) {
        if (a.provisioner() == null) {
            error.accept(SourceMap.field(p, "provisioner"), "required: what starts " + what);
        } else {
            ExtensionChecks.check(SourceMap.field(p, "provisioner"), a.provisioner(), ProvisionerFactory.registry(),
                    error);
        }
    }

    /** The rules a pool's policy and the proxy tier's share: the rule, the limits, the timings. */
    private void limits(AutoscaleConfig a, String p, String what) {
        checkRule(a, p);
        atLeast(SourceMap.field(p, "min"), a.min(), 0);
        if (a.max() == null) {
            error.accept(SourceMap.field(p, "max"), "required: the most " + what + " may have");
        } else if (a.max() < Math.max(1, a.min())) {
            error.accept(SourceMap.field(p, "max"), "must be at least min (" + a.min() + ") and at least 1 (got "
                    + a.max() + ")");
        }
        atLeast(SourceMap.field(p, "step"), a.step(), 1);
        positive(SourceMap.field(p, "interval"), a.interval());
        nonNegative(SourceMap.field(p, "cooldown"), a.cooldown());
        String stab = SourceMap.field(p, "stabilization");
        nonNegative(SourceMap.field(stab, "up"), a.stabilization().up());
        nonNegative(SourceMap.field(stab, "down"), a.stabilization().down());
        positive(SourceMap.field(p, "startTimeout"), a.startTimeout());
        nonNegative(SourceMap.field(p, "drainTimeout"), a.drainTimeout());
    }

    /** One way of deciding: a target, or the two thresholds with the scale-in one below. */
    private void checkRule(AutoscaleConfig a, String p) {
        if (a.target() != null) {
            if (a.target() <= 0) {
                error.accept(SourceMap.field(p, "target"), "must be greater than 0 (got " + a.target() + ")");
            }
            if (a.scaleOutAbove() != null || a.scaleInBelow() != null) {
                error.accept(SourceMap.field(p, a.scaleOutAbove() != null ? "scaleOutAbove" : "scaleInBelow"),
                        "give either target (target tracking) or scaleOutAbove and scaleInBelow (step scaling), "
                                + "not both");
            }
            if (a.tolerance() < 0 || a.tolerance() >= 1) {
                error.accept(SourceMap.field(p, "tolerance"), "must be at least 0 and below 1 (got "
                        + a.tolerance() + ")");
            }
            return;
        }
        if (a.scaleOutAbove() == null || a.scaleInBelow() == null) {
            error.accept(SourceMap.field(p, a.scaleOutAbove() == null ? "scaleOutAbove" : "scaleInBelow"),
                    a.scaleOutAbove() == null && a.scaleInBelow() == null
                            ? "required: target (target tracking), or scaleOutAbove and scaleInBelow (step scaling)"
                            : "required with " + (a.scaleOutAbove() == null ? "scaleInBelow" : "scaleOutAbove")
                            + ": step scaling needs both thresholds");
            return;
        }
        if (a.scaleInBelow() < 0) {
            error.accept(SourceMap.field(p, "scaleInBelow"), "must be at least 0 (got " + a.scaleInBelow() + ")");
        }
        if (a.scaleInBelow() >= a.scaleOutAbove()) {
            error.accept(SourceMap.field(p, "scaleInBelow"), "must be below scaleOutAbove (" + a.scaleOutAbove()
                    + "; got " + a.scaleInBelow() + "): the band between them is where nothing changes");
        }
    }

    private void checkPerBackend(PerBackendConfig b, String p) {
        if (b.scaleOutAbove() != null && b.scaleOutAbove() <= 0) {
            error.accept(SourceMap.field(p, "scaleOutAbove"), "must be greater than 0 (got " + b.scaleOutAbove() + ")");
        }
        if (b.scaleInBelow() != null && b.scaleInBelow() < 0) {
            error.accept(SourceMap.field(p, "scaleInBelow"), "must be at least 0 (got " + b.scaleInBelow() + ")");
        }
        if (b.scaleOutAbove() != null && b.scaleInBelow() != null && b.scaleInBelow() >= b.scaleOutAbove()) {
            error.accept(SourceMap.field(p, "scaleInBelow"), "must be below scaleOutAbove (" + b.scaleOutAbove()
                    + "; got " + b.scaleInBelow() + ")");
        }
    }

    private void checkMember(MemberTemplateConfig m, String p, int weightBound) {
        if (m.weight() < 1 || m.weight() > weightBound) {
            error.accept(SourceMap.field(p, "weight"), "must be 1-" + weightBound + " (the pool's weightBound; got "
                    + m.weight() + ")");
        }
        atLeast(SourceMap.field(p, "maxConnections"), m.maxConnections(), 0);
    }

    private void checkHeal(HealConfig h, String p) {
        positive(SourceMap.field(p, "downFor"), h.downFor());
        atLeast(SourceMap.field(p, "maxPerHour"), h.maxPerHour(), 1);
    }

    private void positive(String p, Duration d) {
        if (d.isNegative() || d.isZero()) {
            error.accept(p, "must be greater than 0");
        }
    }

    private void nonNegative(String p, Duration d) {
        if (d.isNegative()) {
            error.accept(p, "must not be negative");
        }
    }

    private void atLeast(String p, int value, int min) {
        if (value < min) {
            error.accept(p, "must be at least " + min + " (got " + value + ")");
        }
    }
}
