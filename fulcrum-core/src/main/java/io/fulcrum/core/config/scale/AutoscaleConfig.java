package io.fulcrum.core.config.scale;

import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.provision.ProvisionerFactory;

import java.time.Duration;

/**
 * A pool's autoscale policy ({@code pools[].autoscale}): the scaler grows the pool by starting
 * members through {@code provisioner} when its load is above the target, shrinks it by draining
 * and stopping members it started when the load is below, and replaces members that stay down.
 * The decision rules follow Kubernetes' HPA and AWS target tracking (docs/autoscaling.md).
 *
 * <p>Either {@code target} (target tracking: the size that would bring the metric to the target,
 * {@code ceil(ready × value / target)}, outside a {@code tolerance} band) or the two thresholds
 * {@code scaleOutAbove} / {@code scaleInBelow} (step scaling: {@code step} members more above the
 * first, fewer below the second) is given.
 *
 * @param provisioner   what starts and stops members, by name with its settings ({@code process: {...}})
 * @param metric        the load followed: {@code requestsPerBackend} (default), {@code connectionsRatio},
 *                      {@code p99Latency} or {@code hostCpu} ({@link ScaleMetric})
 * @param target        target tracking: the metric's value the pool is sized for
 * @param scaleOutAbove step scaling: grow when the metric is above it
 * @param scaleInBelow  step scaling: shrink when the metric is below it
 * @param tolerance     target tracking: no change while {@code value / target} is within 1 ± tolerance; default 0.1
 * @param min           fewest members (the file's backends count); default 1
 * @param max           most members; required
 * @param step          most members one action adds or removes; default 1
 * @param interval      how often the load is read and a decision made; default 10 s
 * @param cooldown      no new action for this long after one (success or failure); default 60 s
 * @param stabilization the stabilisation windows (up 0 s, down 5 min by default)
 * @param perBackend    thresholds on one backend's load (none by default)
 * @param member        what a started member is as a backend (weight, max connections, locality)
 * @param startTimeout  deadline of a start (and of a replacement); default 60 s
 * @param drainTimeout  how long a member being removed may keep sessions and requests; default 5 min
 * @param scaleIn       false: the pool never shrinks on load (AWS target tracking's {@code disableScaleIn}); default true
 * @param dryRun        decisions are computed and published as events, and nothing is done; default false
 * @param heal          replacing members that stay down (on by default)
 */
public record AutoscaleConfig(
        ExtensionConfig<ProvisionerFactory<?>> provisioner,
        String metric,
        Double target,
        Double scaleOutAbove,
        Double scaleInBelow,
        Double tolerance,
        Integer min,
        Integer max,
        Integer step,
        Duration interval,
        Duration cooldown,
        StabilizationConfig stabilization,
        PerBackendConfig perBackend,
        MemberTemplateConfig member,
        Duration startTimeout,
        Duration drainTimeout,
        Boolean scaleIn,
        Boolean dryRun,
        HealConfig heal) {

    public AutoscaleConfig {
        metric = metric == null ? ScaleMetric.REQUESTS_PER_BACKEND.configName() : metric;
        tolerance = tolerance == null ? 0.1 : tolerance;
        min = min == null ? 1 : min;
        step = step == null ? 1 : step;
        interval = interval == null ? Duration.ofSeconds(10) : interval;
        cooldown = cooldown == null ? Duration.ofSeconds(60) : cooldown;
        stabilization = stabilization == null ? StabilizationConfig.defaults() : stabilization;
        perBackend = perBackend == null ? PerBackendConfig.none() : perBackend;
        member = member == null ? MemberTemplateConfig.defaults() : member;
        startTimeout = startTimeout == null ? Duration.ofSeconds(60) : startTimeout;
        drainTimeout = drainTimeout == null ? Duration.ofMinutes(5) : drainTimeout;
        scaleIn = scaleIn == null ? Boolean.TRUE : scaleIn;
        dryRun = dryRun == null ? Boolean.FALSE : dryRun;
        heal = heal == null ? HealConfig.defaults() : heal;
    }

    /** The metric followed ({@link #metric()} validated by the configuration's validator). */
    public ScaleMetric scaleMetric() {
        return ScaleMetric.named(metric).orElseThrow(() -> new IllegalStateException("unknown metric " + metric));
    }

    /** Whether the policy tracks a target (else it steps on thresholds). */
    public boolean tracksTarget() {
        return target != null;
    }
}
