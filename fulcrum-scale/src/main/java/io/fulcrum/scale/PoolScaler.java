package io.fulcrum.scale;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.scale.AutoscaleConfig;
import io.fulcrum.core.config.scale.MemberTemplateConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.scale.decide.Decision;
import io.fulcrum.scale.decide.DecisionEngine;
import io.fulcrum.scale.decide.DecisionReport;
import io.fulcrum.scale.decide.LoadSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The scaler of one pool: reads its load every {@code interval}, decides ({@link DecisionEngine}) and
 * carries the decision out through the pool's {@link Provisioner}, one action at a time:
 *
 * <ul>
 *   <li><b>scale-out</b>: starts members (one generation each), then registers each in the running
 *       pool ({@link ScaledMembers}, put into service like a reload); the health service ramps a new
 *       member's weight over {@code health.slowStart};</li>
 *   <li><b>scale-in</b>: drains the least loaded members it started (no new sessions; their sticky
 *       entries expire and requests finish, or {@code drainTimeout} passes), removes them from the
 *       pool, then stops them; never below {@code min}, never the last member that takes traffic, never
 *       a backend of the file;</li>
 *   <li><b>healing</b>: replaces a member that has been down for {@code heal.downFor}, at most
 *       {@code heal.maxPerHour} an hour.</li>
 * </ul>
 * Every step is an event with its reason; with {@code dryRun} only the decisions are.
 *
 * <p><b>In a cluster</b> ({@link #fleet}) only the leader's scaler decides and acts, on the load of
 * every node; it writes the pool's {@link ScaleIntent} (compare-and-swap, fenced) before each action
 * and after each result. The other nodes' scalers only lay the intent's members over their own
 * configuration. A scaler that becomes leader reads the intent and asks again, with the same
 * generations, what it says was asked for and not seen done, so nothing is started twice.
 *
 * <p>Runs on the scaler's one thread ({@code home}); provisioner calls block, so they run on virtual
 * threads ({@code actions}) and hand their results back to the scaler thread.
 */
final class PoolScaler {

    private static final Logger LOG = LoggerFactory.getLogger(PoolScaler.class);
    /** Size points kept for the dashboard (one per evaluation). */
    private static final int SIZE_POINTS = 360;
    /** Steps kept for the status view. */
    private static final int RECENT_STEPS = 30;

    /** A member on its way out. */
    private record Draining(Provisioner.Member member, long generation, Instant since, Instant deadline) {
    }

    /** One point of the size history. */
    record SizePoint(Instant at, int current, int desired) {
    }

    private final String pool;
    private final EventLog events;
    private final RunningPools running;
    private final ScaledMembers members;
    private final PoolLoadMeter meter;
    private final Executor actions;
    private final Executor home;
    private AutoscaleConfig policy;
    private final Provisioner provisioner;
    private final DecisionEngine engine;
    /** The last generation used: each action is keyed by a new one, so a repeated action is known. */
    private long generation;
    private boolean paused;
    private Integer manual;
    /** What runs now, or {@code null}. */
    private String action;
    private int pendingResults;
    private final Map<String, Provisioner.Member> provisioned = new LinkedHashMap<>();
    /** Members an operator protected from scale-in, by name (kept when they are not, or not yet, in the pool). */
    private final Set<String> protectedMembers = new java.util.TreeSet<>();
    private final Map<String, Draining> draining = new LinkedHashMap<>();
    private final Map<String, Instant> downSince = new HashMap<>();
    private final Deque<Instant> heals = new ArrayDeque<>();
    private final Set<String> healLimitTold = new HashSet<>();
    private Instant nextEvaluation;
    private Decision last;
    private String lastTold;
    /** Why the last scale-in found no member to remove, as last told (told once until it changes). */
    private String lastSkipTold;
    private final Deque<SizePoint> sizes = new ArrayDeque<>();
    private final Deque<Map<String, Object>> steps = new ArrayDeque<>();
    private volatile int currentSize;
    private volatile int desiredSize;
    private volatile Map<String, Object> status = Map.of();
    private volatile boolean closed;
    /** The pool's {@code health.slowStart} (the health service ramps new members over it). */
    private Duration slowStart;

    // ---- in a cluster ----
    /** How often a scaler that does not lead reads the intent. */
    private static final Duration FOLLOW_EVERY = Duration.ofSeconds(1);
    /** The cluster, or null on a node of its own. */
    private ScaleFleet fleet;
    /** Whether this scaler leads the pool now (took the intent over and has not lost a write since). */
    private boolean leading;
    /** The intent as last written or read by this leader, and its version. */
    private ScaleIntent intent;
    private long intentVersion;
    /** Counts take-overs and step-downs: a result of an action begun in an earlier term is not this term's. */
    private int term;
    private Instant nextFollow;
    /** When the fleet's copy of the operator's settings is read next, and its version as last seen. */
    private Instant nextOperatorRead;
    private long operatorVersion = -1;
    /** While an operator's change is tried on the fleet's copy: its events, told once the write is kept. */
    private List<Runnable> heldSteps;
    /** A cluster member's scaler waits for its fleet to join before it does anything. */
    private boolean awaitingFleet;
    /** The last problem with the fleet's store, as told (told once until it changes). */
    private String lastFleetTold;

    PoolScaler(String pool, AutoscaleConfig policy, Provisioner provisioner, long firstGeneration, EventLog events,
               RunningPools running, ScaledMembers members, LoadSignals signals, Executor actions, Executor home) {
        this.pool = pool;
        this.policy = policy;
        this.provisioner = provisioner;
        this.generation = firstGeneration;
        this.events = events;
        this.running = running;
        this.members = members;
        this.meter = new PoolLoadMeter(signals);
        this.actions = actions;
        this.home = home;
        this.engine = new DecisionEngine(policy);
        // What the provisioner does on its own (a member that exited and was restarted) goes to the event log too.
        provisioner.listen(e -> backHome(() -> step(e.type(), pool + "/" + e.member().name(), e.detail(),
                Map.of("address", e.member().address()))));
    }

    String pool() {
        return pool;
    }

    AutoscaleConfig policy() {
        return policy;
    }

    int currentSize() {
        return currentSize;
    }

    int desiredSize() {
        return desiredSize;
    }

    Map<String, Object> status() {
        return status;
    }

    /**
     * Puts this scaler in a cluster: from now on it decides and acts only while {@code fleet} says this
     * node leads, and otherwise follows the leader's intent.
     */
    void fleet(ScaleFleet fleet) {
        this.fleet = fleet;
        this.awaitingFleet = false;
        this.leading = false;
        this.term++;
    }

    /** Takes a changed policy whose provisioner is the same. */
    void policy(AutoscaleConfig next) {
        this.policy = next;
        engine.policy(next);
    }

    /** Adopts the members the provisioner already runs (after a restart of the node), then starts deciding. */
    void adopt(Instant now) {
        action = "adopt the members the provisioner runs";
        Provisioner p = provisioner;
        Instant deadline = now.plus(policy.startTimeout());
        actions.execute(() -> {
            Provisioner.Listing found;
            try {
                found = p.list(pool, deadline);
            } catch (RuntimeException e) {
                found = Provisioner.Listing.failed("the provisioner failed: " + e);
            }
            Provisioner.Listing listing = found == null ? Provisioner.Listing.failed("no answer") : found;
            backHome(() -> adopted(listing));
        });
    }

    private void adopted(Provisioner.Listing listing) {
        if (closed) {
            return;
        }
        if (!listing.ok()) {
            step("scale.action.failed", pool, "listing the members the provisioner runs failed (none taken back): "
                    + listing.detail(), Map.of());
        }
        List<Provisioner.Member> found = listing.members();
        for (Provisioner.Member m : found) {
            if (register(m)) {
                step("scale.member.adopted", pool + "/" + m.name(), "the provisioner already runs it at "
                        + m.address() + ": taken back into the pool", Map.of());
            }
        }
        if (!found.isEmpty()) {
            reapply();
        }
        action = null;
    }

    // ---- the tick ---------------------------------------------------------------------------------

    /** One tick of the scaler thread: drains, healing, and an evaluation when one is due. */
    void tick(Instant now, long nanos) {
        if (closed) {
            return;
        }
        List<Backend> live = running.backends(pool);
        if (awaitingFleet || fleet != null && !leadTick(now)) {
            publishStatus(now, live);
            return;
        }
        progressDrains(now, live);
        watchHealth(now, live);
        if (nextEvaluation == null || !now.isBefore(nextEvaluation)) {
            nextEvaluation = now.plus(policy.interval());
            evaluate(now, nanos, live);
        }
        publishStatus(now, live);
    }

    private void evaluate(Instant now, long nanos, List<Backend> live) {
        Map<String, ScaleFleet.FleetReading> fleetLoad = fleet == null ? null : fleet.load(pool);
        // A leader without the fleet's aggregates yet (just elected) has no reading: its own node's is not the load.
        LoadSample load = fleet != null && fleetLoad == null ? LoadSample.unknown(inService(live))
                : meter.read(policy.scaleMetric(), live, nanos, fleetLoad);
        int current = inService(live);
        if (paused) {
            remember(now, current, desiredSize);
            return;
        }
        Decision d = engine.decide(now, current, load, manual);
        last = d;
        remember(now, current, d.desired());
        if (action != null) {
            return; // one action at a time: the recommendation is remembered, nothing more is done now
        }
        tellDecision(d, load);
        if (policy.dryRun()) {
            return;
        }
        if (d.change() > 0) {
            scaleOut(d.change(), now, d.desired());
        } else if (d.change() < 0) {
            scaleIn(-d.change(), now, live, d);
        }
    }

    private void tellDecision(Decision d, LoadSample load) {
        String key = DecisionReport.key(d);
        if (key.equals(lastTold) && (!d.acts() || policy.dryRun())) {
            return; // told already (a dry run's change is the same decision every interval)
        }
        lastTold = key;
        Map<String, String> details = DecisionReport.details(policy, load, d);
        if (manual != null) {
            details.put("operatorSize", manual.toString());
        }
        step("scale.decision", pool, DecisionReport.reason(policy, d), details);
    }

    // ---- scale-out ---------------------------------------------------------------------------------

    private void scaleOut(int n, Instant now, int desired) {
        long first = generation + 1;
        if (fleet != null) {
            ScaleIntent next = intent.aim(desired);
            for (int i = 0; i < n; i++) {
                next = next.with(new ScaleIntent.Entry(first + i, ScaleIntent.STARTING, null));
            }
            if (!record(next, "the intent to start " + n)) {
                return; // nothing was asked of the provisioner: a new leader decides afresh
            }
        }
        action = "start " + n + " member" + (n == 1 ? "" : "s");
        pendingResults = n;
        for (int i = 0; i < n; i++) {
            long gen = ++generation;
            step("scale.out.starting", pool, "starting a member through the " + provisionerName() + " provisioner",
                    Map.of("generation", Long.toString(gen)));
            dispatchStart(gen, now);
        }
    }

    private void dispatchStart(long gen, Instant now) {
        Provisioner p = provisioner;
        int t = term;
        Instant deadline = now.plus(policy.startTimeout());
        actions.execute(() -> {
            Provisioner.Result r = ProvisionerCalls.call(() -> p.start(pool, gen, deadline));
            backHome(() -> {
                if (t == term) {
                    started(gen, r);
                } else {
                    LOG.info("{}: the start of generation {} ended after this node stopped leading: {}", pool, gen,
                            r.detail());
                }
            });
        });
    }

    private void started(long gen, Provisioner.Result r) {
        if (closed) {
            if (r.ok() && r.member() != null && fleet == null) {
                stopQuietly(r.member(), gen);
            }
            return;
        }
        Map<String, String> d = Map.of("generation", Long.toString(gen));
        if (fleet != null) {
            ScaleIntent next = r.ok() && r.member() != null
                    ? intent.with(new ScaleIntent.Entry(gen, ScaleIntent.UP, r.member()), "#" + gen)
                    : intent.without(e -> e.key().equals("#" + gen));
            if (!record(next, "the started member " + (r.member() == null ? "" : r.member().name()))) {
                return; // the next leader (maybe this node again) asks for generation gen again and gets this member
            }
        }
        if (r.ok() && r.member() != null) {
            register(r.member());
            boolean applied = reapply();
            Duration ramp = slowStart();
            step("scale.member.added", pool + "/" + r.member().name(), "started at " + r.member().address()
                    + (r.detail() == null || r.detail().isBlank() ? "" : " (" + r.detail() + ")")
                    + (applied ? "; in the pool, " + (ramp.isZero() ? "at full weight" : "its weight ramping up over "
                    + ramp.toMillis() + " ms (slow start)") : "; NOT in the pool: the configuration could not be "
                    + "applied"), d);
        } else {
            step("scale.action.failed", pool, "start failed: " + r.detail(), d);
        }
        finishOne();
    }

    private Duration slowStart() {
        return slowStart == null ? Duration.ZERO : slowStart;
    }

    /** The pool's {@code health.slowStart}, over which new members ramp up (for the events); told on every apply. */
    void slowStart(Duration ramp) {
        this.slowStart = ramp;
    }

    /** One of the current action's results is in; the action ends with the last one and the cooldown starts. */
    private void finishOne() {
        if (--pendingResults <= 0) {
            pendingResults = 0;
            action = null;
            engine.acted(now());
            nextEvaluation = null; // decide again soon (the cooldown says whether to act)
        }
    }

    // ---- scale-in ----------------------------------------------------------------------------------

    private void scaleIn(int n, Instant now, List<Backend> live, Decision d) {
        int ready = (int) live.stream().filter(this::inService).filter(b -> b.state() == BackendState.UP).count();
        List<Backend> candidates = new ArrayList<>();
        for (Backend b : live) {
            if (provisioned.containsKey(b.name()) && inService(b) && !protectedMembers.contains(b.name())) {
                candidates.add(b);
            }
        }
        // Members that do not take traffic first (nothing to drain), then the least loaded.
        candidates.sort(Comparator.comparing((Backend b) -> b.state() == BackendState.UP)
                .thenComparingDouble(meter::valueOf).thenComparingInt(Backend::activeRequests));
        List<Backend> victims = new ArrayList<>();
        for (Backend b : candidates) {
            if (victims.size() == n) {
                break;
            }
            if (b.state() == BackendState.UP) {
                if (ready <= 1) {
                    break; // never the last one that takes traffic
                }
                ready--;
            }
            victims.add(b);
        }
        if (victims.isEmpty()) {
            String why = candidates.isEmpty() ? "no member started by the provisioner to remove (the file's "
                    + "backends are never scaled in" + (protectedMembers.isEmpty() ? "" : ", nor the protected "
                    + String.join(", ", protectedMembers)) + ")" : "it is the last member that takes traffic";
            if (!why.equals(lastSkipTold)) {
                lastSkipTold = why;
                step("scale.in.skipped", pool, "scale-in by " + n + " not done: " + why, Map.of());
            }
            return;
        }
        lastSkipTold = null;
        if (fleet != null) {
            ScaleIntent next = intent.aim(d.desired());
            long g = generation;
            for (Backend b : victims) {
                next = next.with(new ScaleIntent.Entry(++g, ScaleIntent.DRAINING, provisioned.get(b.name())));
            }
            if (!record(next, "the intent to drain " + victims.size())) {
                return;
            }
        }
        action = "drain " + String.join(", ", victims.stream().map(Backend::name).toList());
        pendingResults = victims.size();
        for (Backend b : victims) {
            long gen = ++generation;
            Instant deadline = now.plus(policy.drainTimeout());
            draining.put(b.name(), new Draining(provisioned.get(b.name()), gen, now, deadline));
            members.state(pool, b.name(), "draining");
            Map<String, String> details = new LinkedHashMap<>();
            details.put("generation", Long.toString(gen));
            details.put("deadline", deadline.toString());
            details.put("value", Double.toString(round(meter.valueOf(b))));
            step("scale.in.draining", pool + "/" + b.name(), (b.state() == BackendState.UP ? "the least loaded ("
                    + policy.metric() + " " + round(meter.valueOf(b)) + ")" : "it takes no traffic (" + b.state()
                    .name().toLowerCase(java.util.Locale.ROOT) + ")") + ": no new sessions; it leaves the pool when "
                    + "its sticky sessions expired and its requests finished, or at " + deadline, details);
        }
        reapply();
    }

    private void progressDrains(Instant now, List<Backend> live) {
        if (draining.isEmpty()) {
            return;
        }
        Map<String, Backend> byName = new HashMap<>();
        live.forEach(b -> byName.put(b.name(), b));
        Map<String, ScaleFleet.FleetReading> fleetLoad = fleet == null ? null : fleet.load(pool);
        boolean changed = false;
        List<Draining> done = new ArrayList<>();
        for (Draining d : List.copyOf(draining.values())) {
            Backend b = byName.get(d.member().name());
            String why;
            if (b == null) {
                why = "it is no longer in the pool";
            } else if (b.isDrained() && fleetIdle(fleetLoad, b.name())) {
                why = fleet == null ? "no sticky sessions and no requests left"
                        : "no sticky sessions here and no connections on any node";
            } else if (b.state() == BackendState.DOWN && b.activeRequests() == 0) {
                why = "it failed while draining, with no requests left";
            } else if (!now.isBefore(d.deadline())) {
                why = "the drain deadline passed with " + b.activeRequests() + " request(s) in flight";
            } else {
                continue;
            }
            if (fleet != null && !record(intent.with(new ScaleIntent.Entry(d.generation(), ScaleIntent.STOPPING,
                    d.member())), "the intent to stop " + d.member().name())) {
                return;
            }
            draining.remove(d.member().name());
            provisioned.remove(d.member().name());
            members.remove(pool, d.member().name());
            changed = true;
            done.add(d);
            step("scale.in.drained", pool + "/" + d.member().name(), why + ": removed from the pool after "
                    + Duration.between(d.since(), now).toMillis() + " ms; stopping it",
                    Map.of("generation", Long.toString(d.generation())));
        }
        if (changed) {
            reapply();
        }
        for (Draining d : done) {
            dispatchStop(d, now);
        }
    }

    private void dispatchStop(Draining d, Instant now) {
        Provisioner p = provisioner;
        int t = term;
        Instant deadline = now.plus(policy.startTimeout());
        actions.execute(() -> {
            Provisioner.Result r = ProvisionerCalls.call(() -> p.stop(d.member(), d.generation(), deadline));
            backHome(() -> {
                if (t == term) {
                    stopped(d, r);
                }
            });
        });
    }

    /** Whether no node has a connection open to the member (always, on a node of its own). */
    private static boolean fleetIdle(Map<String, ScaleFleet.FleetReading> load, String name) {
        if (load == null) {
            return true;
        }
        ScaleFleet.FleetReading r = load.get(name);
        return r == null || r.activeFlows() == 0;
    }

    private void stopped(Draining d, Provisioner.Result r) {
        if (fleet != null && r.ok() && !closed
                && !record(intent.without(e -> e.key().equals(d.member().name())), "the stopped " + d.member().name())) {
            return;
        }
        Map<String, String> details = Map.of("generation", Long.toString(d.generation()));
        if (r.ok()) {
            step("scale.member.stopped", pool + "/" + d.member().name(), "stopped" + (r.detail() == null
                    || r.detail().isBlank() ? "" : ": " + r.detail()), details);
        } else {
            step("scale.action.failed", pool + "/" + d.member().name(), "stop failed: " + r.detail(), details);
        }
        if (!closed) {
            finishOne();
        }
    }

    // ---- healing -----------------------------------------------------------------------------------

    private void watchHealth(Instant now, List<Backend> live) {
        for (Backend b : live) {
            if (!provisioned.containsKey(b.name()) || draining.containsKey(b.name())) {
                continue;
            }
            if (b.state() == BackendState.DOWN) {
                downSince.putIfAbsent(b.name(), now);
            } else {
                downSince.remove(b.name());
                healLimitTold.remove(b.name());
            }
        }
        downSince.keySet().retainAll(provisioned.keySet());
        if (!policy.heal().enabled() || paused || action != null) {
            return;
        }
        while (!heals.isEmpty() && !heals.peekFirst().isAfter(now.minus(Duration.ofHours(1)))) {
            heals.removeFirst();
        }
        for (Map.Entry<String, Instant> e : downSince.entrySet()) {
            Duration down = Duration.between(e.getValue(), now);
            if (down.compareTo(policy.heal().downFor()) < 0) {
                continue;
            }
            String name = e.getKey();
            Backend b = live.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            String health = b == null || b.healthReason().isBlank() ? "" : " (" + b.healthReason() + ")";
            if (heals.size() >= policy.heal().maxPerHour()) {
                if (healLimitTold.add(name)) {
                    step("scale.heal.limited", pool + "/" + name, "down for " + down.toSeconds() + " s" + health
                            + ", not replaced: " + heals.size() + " replacements in the last hour (heal.maxPerHour "
                            + policy.heal().maxPerHour() + ")", Map.of());
                }
                continue;
            }
            if (policy.dryRun()) {
                if (healLimitTold.add(name)) {
                    step("scale.heal.decision", pool + "/" + name, "dry run, nothing done: would replace it, down for "
                            + down.toSeconds() + " s" + health, Map.of("dryRun", "true"));
                }
                continue;
            }
            replace(name, down, health, now);
            return; // one at a time
        }
    }

    private void replace(String name, Duration down, String health, Instant now) {
        Provisioner.Member member = provisioned.get(name);
        if (fleet != null && !record(intent.with(new ScaleIntent.Entry(generation + 1, ScaleIntent.REPLACING, member)),
                "the intent to replace " + name)) {
            return;
        }
        long gen = ++generation;
        heals.addLast(now);
        action = "replace " + name;
        pendingResults = 1;
        step("scale.heal.replacing", pool + "/" + name, "down for " + down.toSeconds() + " s" + health
                + " (heal.downFor " + policy.heal().downFor().toSeconds() + " s): replacing it",
                Map.of("generation", Long.toString(gen)));
        dispatchReplace(member, gen, now);
    }

    private void dispatchReplace(Provisioner.Member member, long gen, Instant now) {
        Provisioner p = provisioner;
        int t = term;
        Instant deadline = now.plus(policy.startTimeout());
        actions.execute(() -> {
            Provisioner.Result r = ProvisionerCalls.call(() -> p.replace(member, gen, deadline));
            backHome(() -> {
                if (t == term) {
                    replaced(member, gen, r);
                }
            });
        });
    }

    private void replaced(Provisioner.Member old, long gen, Provisioner.Result r) {
        if (closed) {
            return;
        }
        Map<String, String> d = Map.of("generation", Long.toString(gen));
        if (fleet != null) {
            ScaleIntent next = r.ok() && r.member() != null
                    ? intent.with(new ScaleIntent.Entry(gen, ScaleIntent.UP, r.member()), old.name())
                    : intent.with(new ScaleIntent.Entry(gen, ScaleIntent.UP, old), old.name());
            if (!record(next, "the replacement of " + old.name())) {
                return;
            }
        }
        downSince.remove(old.name());
        if (r.ok() && r.member() != null) {
            Provisioner.Member next = r.member();
            if (!next.name().equals(old.name()) || !next.address().equals(old.address())) {
                if (protectedMembers.contains(old.name())) { // the replacement keeps the operator's protection
                    keepInFleet(ps -> {
                        if (ps.protectedMembers.remove(old.name())) {
                            ps.protectedMembers.add(next.name());
                        }
                    });
                }
                provisioned.remove(old.name());
                members.remove(pool, old.name());
                register(next);
                reapply();
            }
            step("scale.heal.replaced", pool + "/" + next.name(), "replaced " + old.name() + " (" + old.address()
                    + ") by " + next.name() + " at " + next.address(), d);
        } else {
            step("scale.action.failed", pool + "/" + old.name(), "replacement failed: " + r.detail(), d);
        }
        if (--pendingResults <= 0) {
            pendingResults = 0;
            action = null;
        }
    }

    // ---- in a cluster ------------------------------------------------------------------------------

    /** Waits for {@link #fleet} before anything is done (a cluster member, whose fleet joins after start). */
    void awaitFleet() {
        awaitingFleet = true;
    }

    /**
     * In a cluster: whether this scaler leads this tick. One that just became leader takes the intent
     * over first; one that does not lead lays the intent's members over the node's configuration.
     */
    private boolean leadTick(Instant now) {
        followOperator(now);
        if (fleet.leads()) {
            if (!leading) {
                takeOver(now);
            }
            return leading;
        }
        if (leading) {
            forgetTerm();
            step("scale.leader.stepped-down", pool, "this node no longer leads: it follows the leader's intent",
                    Map.of());
        }
        follow(now);
        return false;
    }

    /** Ends this node's term: actions under way are no longer its own (their results are dropped). */
    private void forgetTerm() {
        leading = false;
        term++;
        action = null;
        pendingResults = 0;
        draining.clear();
        nextFollow = null;
    }

    /** Reads the intent (every {@link #FOLLOW_EVERY}) and lays its members over the configuration. */
    private void follow(Instant now) {
        if (nextFollow != null && now.isBefore(nextFollow)) {
            return;
        }
        nextFollow = now.plus(FOLLOW_EVERY);
        ScaleFleet.Stored st = fromFleet("the intent could not be read", () -> fleet.read(pool));
        if (st == null) {
            return;
        }
        intent = st.intent();
        intentVersion = st.version();
        List<BackendConfig> want = new ArrayList<>();
        Map<String, Provisioner.Member> runs = new LinkedHashMap<>();
        if (intent != null) {
            for (ScaleIntent.Entry e : intent.members()) {
                if (e.member() == null || e.state().equals(ScaleIntent.STOPPING)) {
                    continue;
                }
                HostPort address;
                try {
                    address = HostPort.parse(e.member().address());
                } catch (RuntimeException bad) {
                    continue;
                }
                want.add(backendOf(e.member(), address, e.state().equals(ScaleIntent.DRAINING) ? "draining" : "up"));
                runs.put(e.member().name(), e.member());
            }
        }
        provisioned.clear();
        provisioned.putAll(runs);
        if (!want.equals(members.members(pool))) {
            members.clear(pool);
            want.forEach(b -> members.put(pool, b));
            reapply();
        }
    }

    /**
     * This node just became leader: takes the intent over and asks again, with the same generations,
     * for what it says was asked for and not seen done (the provisioner returns what it already did),
     * then checks the members it names against the provisioner's list.
     */
    private void takeOver(Instant now) {
        ScaleFleet.Stored st = fromFleet("the intent could not be read to take it over", () -> fleet.read(pool));
        if (st == null) {
            return;
        }
        ScaleIntent in = st.intent() == null ? ScaleIntent.empty(pool) : st.intent();
        intent = in;
        intentVersion = st.version();
        generation = Math.max(generation, in.generation());
        term++;
        leading = true;
        action = null;
        pendingResults = 0;
        draining.clear();
        provisioned.clear();
        downSince.clear();
        members.clear(pool);
        List<ScaleIntent.Entry> again = new ArrayList<>();
        for (ScaleIntent.Entry e : in.members()) {
            switch (e.state()) {
                case ScaleIntent.STARTING, ScaleIntent.STOPPING -> again.add(e);
                case ScaleIntent.REPLACING -> {
                    register(e.member());
                    again.add(e);
                }
                case ScaleIntent.DRAINING -> {
                    register(e.member());
                    members.state(pool, e.member().name(), "draining");
                    draining.put(e.member().name(), new Draining(e.member(), e.generation(), now,
                            now.plus(policy.drainTimeout())));
                }
                default -> register(e.member());
            }
        }
        reapply();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("intentVersion", Long.toString(intentVersion));
        details.put("generation", Long.toString(in.generation()));
        details.put("target", Integer.toString(in.target()));
        details.put("previousLeader", in.leader());
        step("scale.leader.took-over", pool, "this node leads: it takes over the intent of " + (in.leader().isEmpty()
                ? "nobody (none written yet)" : in.leader()) + " (" + in.members().size() + " member(s), target "
                + in.target() + ")" + (again.isEmpty() ? "" : "; asking again, with the same generations, for what it "
                + "began: " + String.join(", ", again.stream().map(e -> e.state() + " " + e.key()).toList())), details);
        pendingResults = again.size() + draining.size();
        if (pendingResults > 0) {
            action = "continue the previous leader's actions";
        }
        for (ScaleIntent.Entry e : again) {
            switch (e.state()) {
                case ScaleIntent.STARTING -> dispatchStart(e.generation(), now);
                case ScaleIntent.STOPPING -> dispatchStop(new Draining(e.member(), e.generation(), now, now), now);
                default -> dispatchReplace(e.member(), e.generation(), now);
            }
        }
        reconcile(now);
    }

    /** Checks the intent's members against what the provisioner runs: a member it no longer runs is lost. */
    private void reconcile(Instant now) {
        Provisioner p = provisioner;
        int t = term;
        Instant deadline = now.plus(policy.startTimeout());
        actions.execute(() -> {
            Provisioner.Listing found;
            try {
                found = p.list(pool, deadline);
            } catch (RuntimeException e) {
                found = Provisioner.Listing.failed("the provisioner failed: " + e);
            }
            Provisioner.Listing listing = found == null ? Provisioner.Listing.failed("no answer") : found;
            backHome(() -> {
                if (t == term && !closed) {
                    reconciled(listing);
                }
            });
        });
    }

    private void reconciled(Provisioner.Listing listing) {
        if (!listing.ok()) {
            step("scale.action.failed", pool, "listing the members the provisioner runs failed (the intent is kept "
                    + "as it is): " + listing.detail(), Map.of());
            return;
        }
        Set<String> listed = new HashSet<>();
        listing.members().forEach(m -> listed.add(m.name()));
        List<ScaleIntent.Entry> lost = intent.members().stream().filter(e -> e.state().equals(ScaleIntent.UP)
                && !listed.contains(e.member().name())).toList();
        if (!lost.isEmpty()) {
            Set<String> names = new HashSet<>(lost.stream().map(e -> e.member().name()).toList());
            if (!record(intent.without(e -> e.member() != null && names.contains(e.member().name())
                    && e.state().equals(ScaleIntent.UP)), "the members the provisioner no longer runs")) {
                return;
            }
            if (names.stream().anyMatch(protectedMembers::contains)) {
                keepInFleet(ps -> ps.protectedMembers.removeAll(names));
            }
            for (String name : names) {
                provisioned.remove(name);
                members.remove(pool, name);
                step("scale.member.lost", pool + "/" + name, "the intent names it but the provisioner no longer runs "
                        + "it: it leaves the pool", Map.of());
            }
            reapply();
        }
        boolean underWay = intent.members().stream().anyMatch(e -> e.member() == null
                || e.state().equals(ScaleIntent.REPLACING));
        for (Provisioner.Member m : listing.members()) {
            if (!underWay && intent.entry(m.name()) == null) {
                step("scale.member.unknown", pool + "/" + m.name(), "the provisioner runs it at " + m.address()
                        + " but the intent does not name it: left alone", Map.of());
            }
        }
    }

    /**
     * Writes the intent (compare-and-swap on the version last seen, fenced by the leader's token). A
     * write refused or not made ends this node's term: it reads the intent again before it does more.
     */
    private boolean record(ScaleIntent change, String what) {
        ScaleIntent next = change.by(fleet.leader());
        long v;
        try {
            v = fleet.write(pool, intentVersion, next);
        } catch (ScaleFleet.Unavailable e) {
            tellFleet(what + " could not be written: " + e.getMessage());
            v = -1;
        }
        if (v > 0) {
            intent = next;
            intentVersion = v;
            return true;
        }
        if (v == 0) {
            step("scale.leader.fenced", pool, what + " was not written: another node leads, or wrote the intent "
                    + "first; nothing more is done before the intent is read again", Map.of());
        }
        forgetTerm();
        return false;
    }

    /** A read of the fleet's store. */
    private interface FleetRead<T> {
        T read() throws ScaleFleet.Unavailable;
    }

    /** What {@code read} gives, or null when the store could not be asked (told as {@code what}). */
    private <T> T fromFleet(String what, FleetRead<T> read) {
        try {
            T got = read.read();
            tellFleet(null);
            return got;
        } catch (ScaleFleet.Unavailable e) {
            tellFleet(what + ": " + e.getMessage());
            return null;
        }
    }

    private void tellFleet(String problem) {
        if (problem == null) {
            lastFleetTold = null;
        } else if (!problem.equals(lastFleetTold)) {
            lastFleetTold = problem;
            step("scale.fleet.unavailable", pool, problem, Map.of());
        }
    }

    // ---- the operator ------------------------------------------------------------------------------

    void pause(String actor) {
        paused = true;
        step("scale.paused", pool, "automatic decisions stopped by " + actor + " (actions under way finish)",
                Map.of("actor", actor));
    }

    void resume(String actor) {
        boolean wasManual = manual != null;
        paused = false;
        manual = null;
        nextEvaluation = null;
        step("scale.resumed", pool, "back to the policy" + (wasManual ? " (the operator's size is forgotten)" : "")
                + ", by " + actor, Map.of("actor", actor));
    }

    void setSize(int size, String actor) {
        if (size < policy.min() || size > policy.max()) {
            throw new IllegalArgumentException("size " + size + " is outside the policy's min " + policy.min()
                    + " and max " + policy.max());
        }
        manual = size;
        paused = false;
        nextEvaluation = null;
        step("scale.set", pool, "size " + size + " set by " + actor + ": the pool is brought to it and kept there "
                + "until resume", Map.of("actor", actor, "size", Integer.toString(size)));
    }

    /** Protects a member from scale-in, or lifts it; a member this scaler did not start is refused. */
    void protect(String member, boolean on, String actor) {
        if (on && !provisioned.containsKey(member)) {
            throw new java.util.NoSuchElementException("pool \"" + pool + "\" has no member \"" + member
                    + "\" started by its provisioner (the file's backends are never scaled in)");
        }
        boolean changed = on ? protectedMembers.add(member) : protectedMembers.remove(member);
        if (changed) {
            step(on ? "scale.member.protected" : "scale.member.unprotected", pool + "/" + member, (on
                    ? "protected from scale-in" : "no longer protected from scale-in") + " by " + actor,
                    Map.of("actor", actor));
        }
    }

    /** What an operator set on this pool (kept across restarts of the node). */
    OperatorSettings operatorSettings() {
        return new OperatorSettings(paused, manual, List.copyOf(protectedMembers));
    }

    /** Takes back what an operator had set before the node restarted. */
    void restore(OperatorSettings s) {
        adoptSettings(s);
        if (!s.equals(OperatorSettings.NONE)) {
            step("scale.operator.restored", pool, "the operator's settings are taken back: " + s.describe(), Map.of());
        }
    }

    private void adoptSettings(OperatorSettings s) {
        paused = s.paused();
        manual = s.size();
        protectedMembers.clear();
        protectedMembers.addAll(s.protectedMembers());
    }

    /**
     * In a cluster: makes an operator's change on the fleet's copy of the settings, so that it holds on
     * every node and for every later leader. The change is made on the settings as stored, then written
     * back by compare-and-swap; a write another node made meanwhile is read and the change made again
     * on it (a few times at most).
     *
     * @throws IllegalStateException the store could not be reached, or kept changing: nothing is changed
     */
    void changeInFleet(java.util.function.Consumer<PoolScaler> change) {
        OperatorSettings before = operatorSettings();
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                ScaleFleet.StoredSettings st = fleet.readOperator(pool);
                adoptSettings(st.settings());
                // The change's events wait for the write: an attempt lost to another node's write is
                // made again, and only the one that is kept is told.
                List<Runnable> told = new ArrayList<>();
                heldSteps = told;
                try {
                    change.accept(this);
                } finally {
                    heldSteps = null;
                }
                long v = fleet.writeOperator(pool, st.version(), operatorSettings());
                if (v > 0) {
                    operatorVersion = v;
                    nextEvaluation = null;
                    told.forEach(Runnable::run);
                    return;
                }
            }
            throw new IllegalStateException("the operator's settings of pool \"" + pool + "\" kept changing on "
                    + "other nodes meanwhile: nothing was changed; try again");
        } catch (ScaleFleet.Unavailable e) {
            adoptSettings(before);
            throw new IllegalStateException("the fleet's store could not be reached (" + e.getMessage()
                    + "): nothing was changed");
        } catch (RuntimeException e) {
            adoptSettings(before);
            throw e;
        }
    }

    /**
     * A change of the protections the scaler makes itself (a replaced member's protection passes to its
     * replacement, a lost member's goes): in a cluster it is made on the fleet's copy too, so that the
     * next leader, and a later change through another node, do not bring the old names back.
     */
    private void keepInFleet(java.util.function.Consumer<PoolScaler> change) {
        if (fleet == null) {
            change.accept(this);
            return;
        }
        try {
            changeInFleet(change);
        } catch (IllegalStateException e) {
            change.accept(this);
            tellFleet("the protections could not be written: " + e.getMessage());
        }
    }

    /**
     * In a cluster, every {@link #FOLLOW_EVERY}: takes the operator's settings the fleet keeps, changed
     * through any member's admin API, so that the leader acts on them and every node shows them.
     */
    private void followOperator(Instant now) {
        if (nextOperatorRead != null && now.isBefore(nextOperatorRead)) {
            return;
        }
        nextOperatorRead = now.plus(FOLLOW_EVERY);
        ScaleFleet.StoredSettings st = fromFleet("the operator's settings could not be read",
                () -> fleet.readOperator(pool));
        if (st == null || st.version() == operatorVersion) {
            return;
        }
        operatorVersion = st.version();
        if (!st.settings().equals(operatorSettings())) {
            adoptSettings(st.settings());
            nextEvaluation = null;
            step("scale.operator.followed", pool, "the operator's settings changed in the fleet's store (through "
                    + "another node's admin API): " + st.settings().describe(), Map.of());
        }
    }

    /** Stops deciding; members stay (the node is closing, or the policy is gone). */
    void close() {
        closed = true;
        try {
            provisioner.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: the provisioner did not close cleanly: {}", pool, e.toString());
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** Registers a member the provisioner runs as a backend of the pool; false when it already was. */
    private boolean register(Provisioner.Member m) {
        if (provisioned.containsKey(m.name())) {
            return false;
        }
        HostPort address;
        try {
            address = HostPort.parse(m.address());
        } catch (RuntimeException e) {
            step("scale.action.failed", pool + "/" + m.name(), "the provisioner gave an address that does not parse: "
                    + m.address() + " (" + e.getMessage() + ")", Map.of());
            return false;
        }
        members.put(pool, backendOf(m, address, "up"));
        provisioned.put(m.name(), m);
        return true;
    }

    /** A member as a backend of the pool, by the policy's member template. */
    private BackendConfig backendOf(Provisioner.Member m, HostPort address, String state) {
        MemberTemplateConfig t = policy.member();
        Map<String, String> labels = new LinkedHashMap<>(m.labels());
        labels.putAll(t.labels());
        labels.put("fulcrum.scale/provisioner", provisionerName());
        return new BackendConfig(m.name(), address, t.weight(), t.maxConnections(), t.site(), t.host(), labels, state);
    }

    private String provisionerName() {
        return policy.provisioner() == null ? "?" : policy.provisioner().name();
    }

    private boolean reapply() {
        try {
            running.reapply();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: putting the pool's new members into service failed: {}", pool, e.toString());
            step("scale.action.failed", pool, "the configuration with the pool's new members could not be applied: "
                    + e.getMessage(), Map.of());
            return false;
        }
    }

    private void stopQuietly(Provisioner.Member m, long gen) {
        Provisioner p = provisioner;
        Instant deadline = now().plus(policy.startTimeout());
        actions.execute(() -> ProvisionerCalls.call(() -> p.stop(m, gen, deadline)));
    }

    /** Hands a result back to the scaler thread; after the scaler stopped (the node is closing) it is dropped. */
    private void backHome(Runnable task) {
        try {
            home.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            LOG.debug("{}: the scaler has stopped; a provisioner's result is dropped", pool);
        }
    }

    /** Members in service: not draining, disabled or backup (a failed one still counts: healing replaces it). */
    private boolean inService(Backend b) {
        BackendState s = b.adminState();
        return s != BackendState.DRAINING && s != BackendState.DISABLED && s != BackendState.BACKUP
                && !draining.containsKey(b.name());
    }

    private int inService(List<Backend> live) {
        return (int) live.stream().filter(this::inService).count();
    }

    private void remember(Instant now, int current, int desired) {
        sizes.addLast(new SizePoint(now, current, desired));
        while (sizes.size() > SIZE_POINTS) {
            sizes.removeFirst();
        }
    }

    private void step(String kind, String subject, String reason, Map<String, String> details) {
        List<Runnable> held = heldSteps;
        if (held != null) {
            held.add(() -> step(kind, subject, reason, details));
            return;
        }
        events.publish(kind, subject, reason, details);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("at", now().toString());
        s.put("kind", kind);
        s.put("subject", subject);
        s.put("reason", reason);
        steps.addLast(s);
        while (steps.size() > RECENT_STEPS) {
            steps.removeFirst();
        }
    }

    private Instant now() {
        return Instant.now();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private void publishStatus(Instant now, List<Backend> live) {
        int current = inService(live);
        currentSize = current;
        desiredSize = fleet != null && !leading ? (intent == null ? current : intent.target())
                : paused && manual == null ? current : last == null ? current : last.desired();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("pool", pool);
        s.put("provisioner", provisionerName());
        s.put("metric", policy.metric());
        if (policy.tracksTarget()) {
            s.put("target", policy.target());
        } else {
            s.put("scaleOutAbove", policy.scaleOutAbove());
            s.put("scaleInBelow", policy.scaleInBelow());
        }
        s.put("min", policy.min());
        s.put("max", policy.max());
        s.put("step", policy.step());
        s.put("dryRun", policy.dryRun());
        s.put("paused", paused);
        s.put("operatorSize", manual);
        s.put("protected", List.copyOf(protectedMembers));
        s.put("current", current);
        s.put("desired", desiredSize);
        s.put("generation", generation);
        s.put("action", action);
        if (fleet != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("leads", leading);
            f.put("leader", fleet.leader());
            f.put("intentVersion", intentVersion);
            f.put("target", intent == null ? null : intent.target());
            s.put("fleet", f);
        }
        Instant cooldown = engine.cooldownUntil(now);
        s.put("cooldownUntil", cooldown == null ? null : cooldown.toString());
        if (last != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("at", last.at().toString());
            d.put("current", last.current());
            d.put("recommended", last.recommended());
            d.put("desired", last.desired());
            d.put("change", last.change());
            d.put("reason", last.reason());
            d.put("held", last.held());
            s.put("lastDecision", d);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Backend b : live) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", b.name());
            m.put("address", b.address());
            m.put("state", b.state().name().toLowerCase(java.util.Locale.ROOT));
            m.put("provisioned", provisioned.containsKey(b.name()));
            m.put("draining", draining.containsKey(b.name()));
            m.put("protected", protectedMembers.contains(b.name()));
            Instant down = downSince.get(b.name());
            m.put("downSince", down == null ? null : down.toString());
            m.put("activeRequests", b.activeRequests());
            list.add(m);
        }
        s.put("members", list);
        List<Map<String, Object>> history = new ArrayList<>();
        for (SizePoint p : sizes) {
            history.add(Map.of("at", p.at().toEpochMilli(), "current", p.current(), "desired", p.desired()));
        }
        s.put("history", history);
        s.put("steps", List.copyOf(steps));
        status = java.util.Collections.unmodifiableMap(s);
    }
}
