package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.health.agent.AgentReport;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.CheckReport;
import io.fulcrum.core.backend.WeightOrigin;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.health.AdaptiveWeightsConfig;
import io.fulcrum.core.config.health.AgentClientConfig;
import io.fulcrum.core.config.health.HealthCheckConfig;
import io.fulcrum.core.config.health.PoolHealthConfig;
import io.fulcrum.core.config.health.TimeWindowRuleConfig;
import io.fulcrum.health.check.CheckResult;
import io.fulcrum.health.check.RiseFall;
import io.fulcrum.health.check.ScheduledCheck;
import io.fulcrum.health.check.TimeWeightedAverage;
import io.fulcrum.health.schedule.TimeWindow;
import io.fulcrum.health.schedule.WeightSchedule;
import io.fulcrum.health.weights.WeightFormula;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health service's work for one pool: schedules its checks, polls its agents,
 * and on every tick recomputes each backend's effective weight from its parts
 * (configured or scheduled weight, adaptive weight, holds, slow start).
 */
final class PoolMonitor {

    private final String pool;
    private final HealthContext ctx;
    private volatile PoolHealthConfig config;
    private volatile int weightBound;
    private volatile List<TimeWindow> rules = List.of();
    private volatile WeightSchedule schedule;
    private volatile String token;
    private final Map<Backend, BackendHealth> backends = new LinkedHashMap<>();
    private volatile boolean closed;
    private long lastAdaptiveNanos;
    private long lastAgentPollNanos;
    private String activeSchedule;
    private final Map<String, Boolean> ruleOpen = new HashMap<>();

    PoolMonitor(String pool, HealthContext ctx) {
        this.pool = pool;
        this.ctx = ctx;
    }

    /** What a pool's health settings compile to: its time-window rules, weight schedule and agent token. */
    record Compiled(List<TimeWindow> rules, WeightSchedule schedule, String agentToken) {
    }

    /**
     * Compiles a pool's health settings (also {@link HealthService#check}'s work).
     *
     * @throws IOException when the agent's token file cannot be read
     */
    static Compiled compile(PoolHealthConfig h) throws IOException {
        List<TimeWindow> rules = new ArrayList<>();
        for (int i = 0; i < h.rules().size(); i++) {
            TimeWindowRuleConfig r = h.rules().get(i);
            rules.add(new TimeWindow(r, i));
        }
        AgentClientConfig agent = h.agent();
        String token = agent == null ? null
                : agent.tokenFile() != null ? Files.readString(Path.of(agent.tokenFile())).strip() : agent.token();
        return new Compiled(List.copyOf(rules), new WeightSchedule(h.schedules()), token);
    }

    /** Takes the pool's (new) configuration and live backends; keeps what it knew of backends that stay. */
    synchronized void apply(PoolConfig pc, List<Backend> live) throws IOException {
        PoolHealthConfig old = config;
        PoolHealthConfig h = pc.health();
        this.config = h;
        this.weightBound = pc.weightBound();
        Compiled compiled = compile(h);
        this.rules = compiled.rules();
        this.schedule = compiled.schedule();
        this.token = compiled.agentToken();

        Map<Backend, BackendHealth> next = new LinkedHashMap<>();
        for (Backend b : live) {
            BackendHealth bh = backends.get(b);
            if (bh == null) {
                bh = new BackendHealth(b);
                if (old != null) {
                    // It joins a pool already in service (a reload, the admin API, the autoscaler): it ramps
                    // up like one that comes back, instead of taking its full share of new connections at once.
                    bh.wasAvailable = Boolean.FALSE;
                    bh.joining = true;
                }
            }
            next.put(b, bh);
        }
        for (Map.Entry<Backend, BackendHealth> e : backends.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                e.getValue().checks.forEach(ScheduledCheck::stop);
                e.getValue().checks = List.of();
                ctx.release(e.getKey());
            }
        }
        boolean checksChanged = old == null || !old.checks().equals(h.checks()) || !next.keySet().equals(
                backends.keySet());
        backends.clear();
        backends.putAll(next);
        if (checksChanged) {
            rescheduleChecks();
        }
        if (h.checks().isEmpty()) {
            for (BackendHealth bh : backends.values()) {
                if (!bh.backend.healthy()) {
                    bh.backend.setHealthy(true, "no active checks configured");
                }
            }
        }
    }

    /** Replaces the checks; a check whose settings did not change keeps its verdict. */
    private void rescheduleChecks() {
        List<HealthCheckConfig> checks = config.checks();
        for (BackendHealth bh : backends.values()) {
            List<ScheduledCheck> kept = new ArrayList<>();
            for (HealthCheckConfig c : checks) {
                ScheduledCheck same = null;
                for (ScheduledCheck r : bh.checks) {
                    if (r.config().equals(c)) {
                        same = r;
                    }
                }
                // Remember roughly the last ten checks' worth of time.
                kept.add(same != null ? same : new ScheduledCheck(c, new TimeWeightedAverage(c.interval().toNanos() * 10)));
            }
            for (ScheduledCheck r : bh.checks) {
                if (!kept.contains(r)) {
                    r.stop();
                }
            }
            bh.checks = List.copyOf(kept);
            Backend b = bh.backend;
            for (ScheduledCheck r : kept) {
                r.start(b.host(), b.port(), ctx.scheduler(), ctx.workers(), (check, res, change) -> record(bh, check, res, change));
            }
        }
    }

    /** A check's result, on its worker thread. */
    private void record(BackendHealth bh, ScheduledCheck r, CheckResult res, RiseFall.Change change) {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        Backend b = bh.backend;
        b.setLastCheck(new CheckReport(r.type(), res.ok(), res.detail(), Instant.now(), res.dnsNanos(),
                res.connectNanos(), res.firstByteNanos(), res.totalNanos(), res.responseBytes(), r.average().get(),
                r.verdict().streak()));
        if (bh.passedSinceEjection(res.ok(), now) >= r.config().rise() && bh.checksUp()) {
            // Passive ejection backs off up to minutes; the active checks have seen it answer rise times since.
            b.clearEjection();
            ctx.events().publish("backend.ejection-cleared", subject(b), r.type() + " check passed "
                    + r.config().rise() + " times in a row while ejected by passive health", Map.of());
        }
        if (change == RiseFall.Change.WENT_DOWN) {
            b.setHealthy(false, r.type() + " check: " + res.detail());
            ctx.purgeSessions();
            ctx.events().publish("backend.down", subject(b), r.type() + " check failed " + r.config().fall()
                    + " times in a row: " + res.detail(), details(r, res, "consecutiveFailures"));
        } else if (change == RiseFall.Change.CAME_UP && bh.checksUp()) {
            b.setHealthy(true, r.type() + " check passed " + r.config().rise() + " times in a row");
            ctx.events().publish("backend.up", subject(b), r.type() + " check passed " + r.config().rise()
                    + " times in a row: " + res.detail(), details(r, res, "consecutivePasses"));
        }
    }

    private static Map<String, String> details(ScheduledCheck r, CheckResult res, String streakName) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("check", r.type());
        d.put(streakName, Integer.toString(r.verdict().streak()));
        d.put("interval", r.config().interval().toMillis() + "ms");
        d.put("rise", r.config().rise().toString());
        d.put("fall", r.config().fall().toString());
        d.put("detail", res.detail());
        d.put("totalMs", String.format(java.util.Locale.ROOT, "%.1f", res.totalNanos() / 1e6));
        return d;
    }

    /** The backend's latest agent report while reports are fresh, else {@code null}. */
    synchronized AgentReport agentReport(Backend b) {
        BackendHealth bh = backends.get(b);
        return bh == null || bh.agentStale ? null : bh.report;
    }

    // ---- the tick: agents, adaptive weights, rules, schedules, slow start -------------------------------------

    synchronized void tick(long now, Instant wall) {
        if (closed) {
            return;
        }
        PoolHealthConfig h = config;
        pollAgents(h, now);
        scheduleAndRuleEvents(wall);
        AdaptiveWeightsConfig aw = h.adaptiveWeights();
        if (aw != null && aw.enabled() && now - lastAdaptiveNanos >= aw.interval().toNanos()) {
            lastAdaptiveNanos = now;
            recompute(aw, now, wall);
        }
        for (BackendHealth bh : backends.values()) {
            refresh(bh, h, now, wall);
        }
    }

    private void pollAgents(PoolHealthConfig h, long now) {
        AgentClientConfig a = h.agent();
        if (a == null) {
            return;
        }
        if (now - lastAgentPollNanos >= a.interval().toNanos()) {
            lastAgentPollNanos = now;
            for (BackendHealth bh : backends.values()) {
                if (bh.pollInFlight.compareAndSet(false, true)) {
                    HostPort address = agentAddress(a, bh);
                    String tok = token;
                    ctx.workers().execute(() -> poll(bh, address, tok, a));
                }
            }
        }
        for (BackendHealth bh : backends.values()) {
            long since = bh.lastReportNanos != 0 ? bh.lastReportNanos : bh.createdNanos;
            boolean stale = now - since > a.staleAfter().toNanos();
            if (stale && !bh.agentStale) {
                bh.agentStale = true;
                ctx.events().publish("agent.stale", subject(bh.backend), "no agent report for "
                        + a.staleAfter().toMillis() + " ms: no new connections until reports resume",
                        Map.of("agent", agentAddress(a, bh).toString(),
                                "lastError", bh.agentError));
            }
        }
    }

    /** The backend's agent: its own address when configured, else the agent port on the backend's host. */
    private static HostPort agentAddress(AgentClientConfig a, BackendHealth bh) {
        return a.addresses().getOrDefault(bh.backend.name(), HostPort.of(bh.backend.host(), a.port()));
    }

    private void poll(BackendHealth bh, HostPort address, String tok, AgentClientConfig a) {
        try {
            bh.report = ctx.agents().poll(address, tok, a.timeout());
            bh.lastReportNanos = System.nanoTime();
            bh.agentError = "";
            if (bh.agentStale) {
                bh.agentStale = false;
                ctx.events().publish("agent.resumed", subject(bh.backend), "agent reports again: new connections allowed",
                        Map.of("agent", address.toString()));
            }
        } catch (IOException | RuntimeException e) {
            bh.agentError = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            bh.pollInFlight.set(false);
        }
    }

    private void scheduleAndRuleEvents(Instant wall) {
        WeightSchedule.Entry s = schedule.activeAt(wall);
        String name = s == null ? null : s.name();
        if (!java.util.Objects.equals(name, activeSchedule)) {
            activeSchedule = name;
            if (s != null) {
                ctx.events().publish("schedule.active", pool, "scheduled set " + s.name() + " took effect at "
                        + s.at(), Map.of("weights", s.weights().toString(), "members", s.members().toString()));
            }
        }
        for (TimeWindow r : rules) {
            boolean open = r.activeAt(wall);
            Boolean was = ruleOpen.put(r.name(), open);
            if (was == null ? open : was != open) {
                ctx.events().publish(open ? "rule.open" : "rule.closed", pool, "time window " + r.name() + " ("
                        + r.describe() + ") " + (open ? "opened: its backends take no new connections" : "closed"),
                        Map.of("rule", r.name()));
            }
        }
    }

    /** A weight with where it came from and why. */
    private record Weight(int value, WeightOrigin origin, String reason) {
    }

    /** The weight the backend would have before holds and slow start, with its origin and reason. */
    private Weight baseWeight(BackendHealth bh, PoolHealthConfig h, Instant wall, boolean useAdaptive) {
        Backend b = bh.backend;
        int w = Math.min(b.configuredWeight(), weightBound);
        WeightOrigin o = WeightOrigin.CONFIGURED;
        String why = "configured weight";
        AdaptiveWeightsConfig aw = h.adaptiveWeights();
        boolean adaptive = aw != null && aw.enabled();
        boolean fixed = adaptive && (aw.fixed().contains(b.name()) || ctx.operatorFixed(pool, b.name()));
        if (fixed) {
            o = WeightOrigin.FIXED;
            why = "fixed weight";
        }
        WeightSchedule.Entry s = schedule.activeAt(wall);
        if (s != null) {
            Integer sw = s.weightOf(b.name());
            if (sw != null) {
                w = sw;
                o = WeightOrigin.SCHEDULE;
                why = "scheduled set " + s.name() + (sw == 0 ? " (not a member)" : "");
            }
        }
        if (bh.controllerWeight >= 0) {
            return new Weight(bh.controllerWeight, WeightOrigin.CONTROLLER, bh.controllerReason);
        }
        if (useAdaptive && adaptive && !fixed && w > 0 && bh.adaptiveWeight >= 0) {
            w = bh.adaptiveWeight;
            o = WeightOrigin.ADAPTIVE;
            why = bh.adaptiveReason;
        }
        return new Weight(w, o, why);
    }

    private String hold(BackendHealth bh, PoolHealthConfig h, Instant wall) {
        for (TimeWindow r : rules) {
            if (r.holds(bh.backend.name()) && r.activeAt(wall)) {
                return "rule " + r.name() + " (" + r.describe() + ")";
            }
        }
        if (h.agent() != null && bh.agentStale) {
            return "no agent report within " + h.agent().staleAfter().toMillis() + " ms";
        }
        if (h.adaptiveWeights() != null && h.adaptiveWeights().enabled()) {
            return bh.probeTimeout();
        }
        return null;
    }

    private void refresh(BackendHealth bh, PoolHealthConfig h, long now, Instant wall) {
        Backend b = bh.backend;
        if (b.weightOrigin() == WeightOrigin.OPERATOR) {
            return; // an operator's weight stands until the operator clears it
        }
        if (b.weightOrigin() == WeightOrigin.CONTROLLER) {
            // The controller sets only the base weight (until it publishes another): holds and slow start
            // still apply over it, and it comes back when they end.
            bh.controllerWeight = b.weight();
            bh.controllerReason = b.weightReason();
        }
        boolean ejected = b.isEjected(now);
        if (ejected != bh.wasEjected) {
            bh.wasEjected = ejected;
            if (ejected) {
                ctx.events().publish("backend.ejected", subject(b), "passive health: failed "
                        + "in real traffic; no new requests for "
                        + Math.max(0, (b.ejectedUntilNanos() - now) / 1_000_000) + " ms", Map.of());
            } else {
                ctx.events().publish("backend.ejection-ended", subject(b), "passive ejection over", Map.of());
            }
        }
        boolean available = b.state() == BackendState.UP && !ejected;
        if (bh.wasAvailable != null && !bh.wasAvailable && available && !h.slowStart().isZero()) {
            bh.slowStartSince = now;
            ctx.events().publish("backend.slow-start", subject(b), (bh.joining ? "joined the pool" : "back in service")
                    + ": weight ramps up over " + h.slowStart().toMillis() + " ms",
                    Map.of("slowStart", h.slowStart().toMillis() + "ms"));
        }
        if (available) {
            bh.joining = false;
        }
        bh.wasAvailable = available;

        Weight base = baseWeight(bh, h, wall, true);
        int w = base.value();
        WeightOrigin o = base.origin();
        String why = base.reason();
        String hold = hold(bh, h, wall);
        if (hold != null) {
            w = 0;
            o = WeightOrigin.HOLD;
            why = hold;
        } else if (bh.slowStartSince != 0) {
            long elapsed = now - bh.slowStartSince;
            long period = h.slowStart().toNanos();
            if (period > 0 && elapsed < period && w > 0) {
                int ramped = (int) Math.max(1, Math.ceil(w * (double) elapsed / period));
                why = "slow start " + (100 * elapsed / period) + "% of " + w;
                w = ramped;
                o = WeightOrigin.SLOW_START;
            } else {
                bh.slowStartSince = 0;
            }
        }
        w = Math.min(w, weightBound);
        int oldW = b.weight();
        WeightOrigin oldO = b.weightOrigin();
        if (w != oldW || o != oldO || (o == WeightOrigin.HOLD && !why.equals(b.weightReason()))) {
            b.setWeight(w, o, why);
            // A ramp changes the weight on every tick: report its start (above) and end, not each step.
            if (o != WeightOrigin.SLOW_START) {
                Map<String, String> d = new LinkedHashMap<>();
                d.put("from", Integer.toString(oldW));
                d.put("to", Integer.toString(w));
                d.put("origin", o.name().toLowerCase(java.util.Locale.ROOT));
                d.put("previousOrigin", oldO.name().toLowerCase(java.util.Locale.ROOT));
                ctx.events().publish("backend.weight", subject(b), why, d);
            }
        }
    }

    /** One round of the adaptive loop over the backends that take new connections and are not fixed. */
    private void recompute(AdaptiveWeightsConfig aw, long now, Instant wall) {
        PoolHealthConfig h = config;
        List<BackendHealth> members = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (BackendHealth bh : backends.values()) {
            Backend b = bh.backend;
            long total = b.totalRequests();
            long delta = bh.lastTotalRequests < 0 ? 0 : total - bh.lastTotalRequests;
            bh.lastTotalRequests = total;
            bh.lastDelta = delta;
            int w = baseWeight(bh, h, wall, false).value();
            if (b.state() != BackendState.UP || w <= 0 || aw.fixed().contains(b.name())
                    || ctx.operatorFixed(pool, b.name()) || hold(bh, h, wall) != null) {
                continue;
            }
            members.add(bh);
            current.add(bh.adaptiveWeight >= 0 ? bh.adaptiveWeight : Math.max(1, Math.min(w, aw.maxWeight())));
        }
        if (members.size() < 2) {
            return; // one backend has nothing to be compared with
        }
        int n = members.size();
        int[] cur = current.stream().mapToInt(Integer::intValue).toArray();
        double[] input = new double[n];
        double[] host = new double[n];
        double[] service = new double[n];
        boolean hostOk = true;
        boolean serviceOk = true;
        for (int i = 0; i < n; i++) {
            BackendHealth bh = members.get(i);
            input[i] = bh.lastDelta;
            Double hv = bh.report == null ? null : bh.report.metric(aw.hostMetric());
            if (hv == null) {
                hostOk = false;
            } else {
                host[i] = Math.max(0, hv);
            }
            long sv = bh.serviceNanos();
            if (sv <= 0) {
                serviceOk = false;
            } else {
                service[i] = sv;
            }
        }
        Map<String, Double> operator = ctx.importanceOverride(pool);
        double inputImportance = importance(operator, "input", aw.importance().input());
        double hostImportance = importance(operator, "host", aw.importance().host());
        double serviceImportance = importance(operator, "service", aw.importance().service());
        List<WeightFormula.Metric> metrics = new ArrayList<>();
        metrics.add(new WeightFormula.Metric("input", inputImportance, input));
        if (hostOk) {
            metrics.add(new WeightFormula.Metric("host", hostImportance, host));
        }
        if (serviceOk) {
            metrics.add(new WeightFormula.Metric("service", serviceImportance, service));
        }
        int[] next = WeightFormula.compute(cur, metrics, aw.minWeight(), aw.maxWeight(), aw.smoothing());
        if (next == null) {
            return;
        }
        boolean push = WeightFormula.differsEnough(cur, next, aw.threshold());
        Map<String, String> d = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = members.get(i).backend.name();
            d.put(name, "weight " + cur[i] + "->" + next[i] + " (connections +" + (long) input[i]
                    + (hostOk ? ", " + aw.hostMetric() + " " + String.format(java.util.Locale.ROOT, "%.1f", host[i]) : "")
                    + (serviceOk ? ", probe " + String.format(java.util.Locale.ROOT, "%.1f", service[i] / 1e6) + " ms" : "")
                    + ")");
        }
        d.put("pushed", Boolean.toString(push));
        d.put("importance", "input=" + inputImportance + " host=" + hostImportance + " service=" + serviceImportance
                + (operator == null ? "" : " (set by an operator)"));
        d.put("smoothing", aw.smoothing().toString());
        d.put("threshold", aw.threshold() + "%");
        ctx.events().publish("weights.recomputed", pool, push ? "new weights differ enough: pushed"
                : "new weights within the threshold: kept", d);
        if (push) {
            for (int i = 0; i < n; i++) {
                BackendHealth bh = members.get(i);
                bh.adaptiveWeight = next[i];
                bh.adaptiveReason = "adaptive: " + d.get(bh.backend.name());
            }
        }
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    synchronized void close() {
        closed = true;
        for (BackendHealth bh : backends.values()) {
            bh.checks.forEach(ScheduledCheck::stop);
        }
        for (Backend b : backends.keySet()) {
            ctx.release(b);
        }
        backends.clear();
    }

    private String subject(Backend b) {
        return pool + "/" + b.name();
    }

    /** The operator's value for a metric class when one was set, else the configured one. */
    private static double importance(Map<String, Double> operator, String metric, double configured) {
        Double v = operator == null ? null : operator.get(metric);
        return v == null ? configured : v;
    }
}
