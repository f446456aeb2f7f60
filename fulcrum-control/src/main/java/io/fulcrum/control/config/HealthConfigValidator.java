package io.fulcrum.control.config;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.health.AdaptiveWeightsConfig;
import io.fulcrum.core.config.health.AgentClientConfig;
import io.fulcrum.core.config.health.CheckType;
import io.fulcrum.core.config.health.HealthCheckConfig;
import io.fulcrum.core.config.health.PoolHealthConfig;
import io.fulcrum.core.config.health.TimeWindowRuleConfig;
import io.fulcrum.core.config.health.WeightScheduleConfig;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Semantic checks of {@code pools[].health}: check types and their settings (through the
 * {@link CheckType} registry), agent
 * polling, the adaptive weight loop, time-window rules and weight schedules. Every
 * error names the field path so the loader can point at its line.
 */
final class HealthConfigValidator {

    static final Set<String> DAYS = Set.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
    private static final Pattern HOST_METRIC = Pattern.compile("cpu|memory|connections|script:[A-Za-z0-9_.-]+");

    private final BiConsumer<String, String> error;

    private HealthConfigValidator(BiConsumer<String, String> error) {
        this.error = error;
    }

    /** Checks {@code pool.health()}; {@code poolPath} is the pool's path ({@code pools[2]}). */
    static void check(PoolConfig pool, String poolPath, BiConsumer<String, String> error) {
        new HealthConfigValidator(error).run(pool, SourceMap.field(poolPath, "health"));
    }

    private void run(PoolConfig pool, String p) {
        PoolHealthConfig h = pool.health();
        Set<String> names = new HashSet<>();
        for (BackendConfig b : pool.backends()) {
            names.add(b.name());
        }
        for (int i = 0; i < h.checks().size(); i++) {
            checkCheck(h.checks().get(i), SourceMap.index(SourceMap.field(p, "checks"), i));
        }
        nonNegative(SourceMap.field(p, "slowStart"), h.slowStart());
        if (h.agent() != null) {
            checkAgent(h.agent(), SourceMap.field(p, "agent"), names);
        }
        if (h.adaptiveWeights() != null) {
            checkWeights(h.adaptiveWeights(), SourceMap.field(p, "adaptiveWeights"), names, pool.weightBound());
        }
        for (int i = 0; i < h.rules().size(); i++) {
            checkRule(h.rules().get(i), SourceMap.index(SourceMap.field(p, "rules"), i), names);
        }
        for (int i = 0; i < h.schedules().size(); i++) {
            checkSchedule(h.schedules().get(i), SourceMap.index(SourceMap.field(p, "schedules"), i), names);
        }
    }

    /**
     * Checks one active check's settings at path {@code p}: a pool's {@code health.checks[i]}
     * or a GSLB VIP's {@code check}, which take the same check types.
     */
    static void checkCheck(HealthCheckConfig c, String p, BiConsumer<String, String> error) {
        new HealthConfigValidator(error).checkCheck(c, p);
    }

    private void checkCheck(HealthCheckConfig c, String p) {
        ExtensionChecks.check(SourceMap.field(p, "type"), c.type(), CheckType.registry(), error);
        positive(SourceMap.field(p, "interval"), c.interval());
        positive(SourceMap.field(p, "timeout"), c.timeout());
        nonNegative(SourceMap.field(p, "jitter"), c.jitter());
        atLeast(SourceMap.field(p, "rise"), c.rise(), 1);
        atLeast(SourceMap.field(p, "fall"), c.fall(), 1);
        if (c.port() != null && (c.port() < 1 || c.port() > 65535)) {
            error.accept(SourceMap.field(p, "port"), "must be a port 1-65535 (got " + c.port() + ")");
        }
    }

    private void checkAgent(AgentClientConfig a, String p, Set<String> names) {
        if (a.port() < 1 || a.port() > 65535) {
            error.accept(SourceMap.field(p, "port"), "must be a port 1-65535 (got " + a.port() + ")");
        }
        if (a.token() != null && a.tokenFile() != null) {
            error.accept(SourceMap.field(p, "tokenFile"), "give either token or tokenFile, not both");
        }
        if (a.tokenFile() != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(a.tokenFile()))) {
            error.accept(SourceMap.field(p, "tokenFile"), "cannot read \"" + a.tokenFile() + "\"");
        }
        for (String backend : a.addresses().keySet()) {
            String ep = SourceMap.field(SourceMap.field(p, "addresses"), backend);
            if (!names.contains(backend)) {
                error.accept(ep, "no backend named \"" + backend + "\" in this pool");
            }
        }
        positive(SourceMap.field(p, "interval"), a.interval());
        positive(SourceMap.field(p, "timeout"), a.timeout());
        if (positive(SourceMap.field(p, "staleAfter"), a.staleAfter()) && a.staleAfter().compareTo(a.interval()) < 0) {
            error.accept(SourceMap.field(p, "staleAfter"), "must be at least the polling interval");
        }
    }

    private void checkWeights(AdaptiveWeightsConfig w, String p, Set<String> names, int weightBound) {
        positive(SourceMap.field(p, "interval"), w.interval());
        atLeast(SourceMap.field(p, "minWeight"), w.minWeight(), 1);
        if (w.maxWeight() < w.minWeight()) {
            error.accept(SourceMap.field(p, "maxWeight"), "must be at least minWeight (" + w.minWeight() + ")");
        } else if (w.maxWeight() > weightBound) {
            error.accept(SourceMap.field(p, "maxWeight"), "must not exceed the pool's weightBound (" + weightBound + ")");
        }
        atLeast(SourceMap.field(p, "smoothing"), w.smoothing(), 1);
        if (w.threshold() < 0 || w.threshold() > 100) {
            error.accept(SourceMap.field(p, "threshold"), "must be a percentage 0-100 (got " + w.threshold() + ")");
        }
        String imp = SourceMap.field(p, "importance");
        atLeast(SourceMap.field(imp, "input"), w.importance().input(), 0);
        atLeast(SourceMap.field(imp, "host"), w.importance().host(), 0);
        atLeast(SourceMap.field(imp, "service"), w.importance().service(), 0);
        if (!HOST_METRIC.matcher(w.hostMetric()).matches()) {
            error.accept(SourceMap.field(p, "hostMetric"),
                    "must be cpu, memory, connections or script:<name> (got \"" + w.hostMetric() + "\")");
        }
        knownBackends(SourceMap.field(p, "fixed"), w.fixed(), names);
    }

    private void checkRule(TimeWindowRuleConfig r, String p, Set<String> names) {
        if (r.backends().isEmpty()) {
            error.accept(SourceMap.field(p, "backends"), "required: the backends the rule holds");
        }
        knownBackends(SourceMap.field(p, "backends"), r.backends(), names);
        time(SourceMap.field(p, "from"), r.from());
        time(SourceMap.field(p, "to"), r.to());
        for (int i = 0; i < r.days().size(); i++) {
            String d = r.days().get(i);
            if (d == null || !DAYS.contains(d.toLowerCase(java.util.Locale.ROOT))) {
                error.accept(SourceMap.index(SourceMap.field(p, "days"), i),
                        "must be one of mon, tue, wed, thu, fri, sat, sun (got \"" + d + "\")");
            }
        }
        try {
            ZoneId.of(r.zone());
        } catch (DateTimeException e) {
            error.accept(SourceMap.field(p, "zone"), "unknown time zone \"" + r.zone() + "\"");
        }
    }

    private void checkSchedule(WeightScheduleConfig s, String p, Set<String> names) {
        if (s.at() == null) {
            error.accept(SourceMap.field(p, "at"), "required: the start time, e.g. 2026-11-24T06:00:00Z");
        } else {
            try {
                OffsetDateTime.parse(s.at());
            } catch (DateTimeParseException e) {
                error.accept(SourceMap.field(p, "at"),
                        "must be an ISO-8601 time with offset like 2026-11-24T06:00:00Z (got \"" + s.at() + "\")");
            }
        }
        for (Map.Entry<String, String> e : s.weights().entrySet()) {
            String ep = SourceMap.field(SourceMap.field(p, "weights"), e.getKey());
            if (!names.contains(e.getKey())) {
                error.accept(ep, "no backend named \"" + e.getKey() + "\" in this pool");
            }
            try {
                if (Integer.parseInt(e.getValue().trim()) < 0) {
                    error.accept(ep, "must be >= 0 (got " + e.getValue() + ")");
                }
            } catch (NumberFormatException ex) {
                error.accept(ep, "must be a whole number (got \"" + e.getValue() + "\")");
            }
        }
        knownBackends(SourceMap.field(p, "members"), s.members(), names);
    }

    private void knownBackends(String p, List<String> list, Set<String> names) {
        for (int i = 0; i < list.size(); i++) {
            if (!names.contains(list.get(i))) {
                error.accept(SourceMap.index(p, i), "no backend named \"" + list.get(i) + "\" in this pool");
            }
        }
    }

    private void time(String p, String value) {
        if (value == null) {
            error.accept(p, "required: a time of day like 22:00");
            return;
        }
        try {
            LocalTime.parse(value);
        } catch (DateTimeParseException e) {
            error.accept(p, "must be a time of day HH:mm or HH:mm:ss (got \"" + value + "\")");
        }
    }

    private boolean positive(String p, Duration d) {
        if (d.isNegative() || d.isZero()) {
            error.accept(p, "must be greater than 0");
            return false;
        }
        return true;
    }

    private void nonNegative(String p, Duration d) {
        if (d.isNegative()) {
            error.accept(p, "must not be negative");
        }
    }

    private void atLeast(String p, int value, int min) {
        if (value < min) {
            error.accept(p, "must be >= " + min + " (got " + value + ")");
        }
    }
}
