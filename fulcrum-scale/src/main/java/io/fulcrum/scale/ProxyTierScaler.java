package io.fulcrum.scale;

import io.fulcrum.core.config.scale.AutoscaleConfig;
import io.fulcrum.core.config.scale.ProxyTierAutoscaleConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.scale.ProxyTierFleet.ProxyNode;
import io.fulcrum.scale.decide.Decision;
import io.fulcrum.scale.decide.DecisionEngine;
import io.fulcrum.scale.decide.DecisionReport;
import io.fulcrum.scale.decide.LoadSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The proxy tier's autoscaler ({@code cluster.proxyTier.autoscale}): on the cluster's leader, every
 * second, it reads the proxy nodes' load, decides with the pools' rules ({@link DecisionEngine}:
 * stabilisation, cooldown, min/max, step), and starts a Fulcrum node through the provisioner or drains
 * one it started. Each step is first written to the tier's intent ({@link ScaleIntent}, pool
 * {@value #TIER}) by fenced compare-and-swap, with a generation per action, so a new leader asks again
 * what was asked and not seen done, with the same generation, and the provisioner does nothing twice.
 *
 * <ul>
 *   <li><b>Scale-out:</b> {@code starting} (generation), the provisioner's start, {@code up} with the
 *       member it answered (its name is the node id the new node registers with); the action ends when that
 *       node registers up, or fails after {@code startTimeout} (and is stopped).</li>
 *   <li><b>Scale-in:</b> the least loaded node the tier started and an operator did not protect (never
 *       another) is written {@code draining}, with when the drain began; that node reads it and registers
 *       draining, so DNS stops answering with it; once it is draining and its published client connections
 *       are 0, or {@code drainTimeout} has passed since the drain began (a new leader counts from the time
 *       recorded), it is written {@code stopping} and the provisioner stops it; then it leaves the intent.</li>
 * </ul>
 * Every step is an event ({@code scale.decision} for decisions, {@code scale.proxy.*} for the rest); a dry
 * run publishes the decisions only. Other nodes' scalers do nothing.
 *
 * <p>An operator pauses the tier, sets its size, resumes it or protects one of its nodes from scale-in
 * through any member's admin API, under the reserved name {@value #SUBJECT}: the settings are kept as a pool's ({@link OperatorSettings}, in the fleet's
 * store by compare-and-swap from any member), and every node's scaler follows them each tick. Paused, the
 * leader decides nothing new (its decisions are told held; an action under way finishes); with a size set,
 * the tier is brought to it (within min and max, a step at a time) and held there until resume. A reload
 * gives it a changed policy ({@link #policy}) without losing its history, intent or cooldown.
 *
 * <p>Threads: one thread of its own owns the state; provisioner calls run on virtual threads and hand
 * their results back to it.
 */
public final class ProxyTierScaler implements AutoCloseable {

    /** The intent's pool name, the subject of its events and what the provisioner is asked to start. */
    public static final String TIER = "proxies";
    /** The subject of the tier's events. */
    public static final String SUBJECT = "proxy-tier";

    private static final Logger LOG = LoggerFactory.getLogger(ProxyTierScaler.class);
    private static final long TICK_MILLIS = 1000;
    private static final int RECENT = 20;
    /** Size points kept for the dashboard (one per evaluation), as many as a pool keeps. */
    private static final int SIZE_POINTS = 360;
    private static final long STOP_RETRY_MILLIS = 5000;

    // The policy: owned by the home thread, changed by a reload (policy(...)).
    private volatile ProxyTierAutoscaleConfig config;
    private AutoscaleConfig policy;
    private final DecisionEngine engine;
    private final Provisioner provisioner;
    private final ProxyTierFleet fleet;
    private final EventLog events;
    private final ScheduledExecutorService home = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fulcrum-proxy-tier").daemon(true).unstarted(r));
    private final ExecutorService actions = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("fulcrum-proxy-provision-", 0).factory());

    // Owned by the home thread.
    private boolean leading;
    private ScaleIntent intent = ScaleIntent.empty(TIER);
    private long version;
    private long generation;
    private Instant lastEvaluation;
    private String lastTold;
    private Decision lastDecision;
    /** Generations of the provisioner calls under way. */
    private final Set<Long> inFlight = new HashSet<>();
    /** Started nodes not registered yet: since when they are awaited. */
    private final Map<String, Instant> awaiting = new HashMap<>();
    /** Draining nodes: since when this leader follows their drain (drainTimeout runs from then). */
    private final Map<String, Instant> drainingSince = new HashMap<>();
    /** Stopping entries whose stop failed: not asked again before then. */
    private final Map<String, Instant> retryStop = new HashMap<>();
    /** Draining nodes: what their drain waits for now, for the status view. */
    private final Map<String, String> drainWaits = new HashMap<>();
    private final Deque<Map<String, Object>> steps = new ArrayDeque<>();
    private final Deque<PoolScaler.SizePoint> sizes = new ArrayDeque<>();
    /** The operator's settings as last read from the fleet's store, and their version (-1: never read). */
    private OperatorSettings operator = OperatorSettings.NONE;
    private long operatorVersion = -1;

    // Read by the status view and the metrics.
    private volatile Map<String, Object> status = Map.of();
    private volatile int currentSize;
    private volatile int desiredSize;

    /**
     * @param config          the policy
     * @param provisioner     what starts and stops proxy nodes (closed with this)
     * @param fleet           the cluster
     * @param firstGeneration where this node's generations start (they grow across its restarts)
     */
    public ProxyTierScaler(ProxyTierAutoscaleConfig config, Provisioner provisioner, ProxyTierFleet fleet,
                           EventLog events, long firstGeneration) {
        this.config = config;
        this.policy = config.policy();
        this.engine = new DecisionEngine(policy);
        this.provisioner = provisioner;
        this.fleet = fleet;
        this.events = events;
        this.generation = firstGeneration;
    }

    /**
     * A scaler with the provisioner the policy names (through the provisioner registry, as a pool's), its
     * generations starting where a pool scaler's would.
     */
    public static ProxyTierScaler create(ProxyTierAutoscaleConfig config, ProxyTierFleet fleet, EventLog events) {
        return new ProxyTierScaler(config, ScaleService.create(config.provisioner()), fleet, events,
                ScaleService.firstGeneration());
    }

    /** Starts ticking, once a second. */
    public ProxyTierScaler start() {
        home.scheduleWithFixedDelay(this::safeTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Takes a changed policy (a reload) whose provisioner is the same, on the scaler's thread: the size
     * history, the intent, the decision windows and the cooldown clock stay; the next evaluation is due at once.
     */
    public void policy(ProxyTierAutoscaleConfig next) {
        backHome(() -> {
            if (next.equals(config)) {
                return;
            }
            config = next;
            policy = next.policy();
            engine.policy(policy);
            lastEvaluation = null;
            Map<String, String> d = new LinkedHashMap<>();
            d.put("metric", policy.metric());
            d.put("min", Integer.toString(policy.min()));
            d.put("max", Integer.toString(policy.max()));
            d.put("target", String.valueOf(policy.target()));
            d.put("drainTimeout", seconds(policy.drainTimeout()));
            tell("scale.policy.changed", SUBJECT, "the proxy tier's policy changed (a reload): " + policy.metric()
                    + ", min " + policy.min() + ", max " + policy.max() + "; its history, intent and cooldown stay", d);
            publishStatus(safeProxies());
        });
    }

    /** The policy in force. */
    public ProxyTierAutoscaleConfig config() {
        return config;
    }

    /** Proxy nodes up now, as the last tick saw them. */
    public int currentSize() {
        return currentSize;
    }

    /** The size the tier is being brought to. */
    public int desiredSize() {
        return desiredSize;
    }

    /** The tier's status for {@code GET /api/v1/scale} ({@code proxyTier}). */
    public Map<String, Object> status() {
        return status;
    }

    private void safeTick() {
        try {
            tick(Instant.now());
        } catch (RuntimeException e) {
            LOG.error("proxy tier: the scaler failed", e);
        }
    }

    private void tick(Instant now) {
        followOperator();
        if (!fleet.leads()) {
            if (leading) {
                tell("scale.proxy.leader.stepped-down", SUBJECT, "this node no longer leads: the next leader "
                        + "continues from the intent", Map.of());
            }
            forget();
            List<ProxyNode> nodes = safeProxies();
            currentSize = (int) nodes.stream().filter(n -> !n.draining()).count();
            publishStatus(nodes);
            return;
        }
        if (!leading && !takeOver(now)) {
            return;
        }
        List<ProxyNode> nodes = fleet.proxies();
        Map<String, ProxyNode> byId = new HashMap<>();
        nodes.forEach(n -> byId.put(n.id(), n));
        int up = (int) nodes.stream().filter(n -> !n.draining()).count();
        currentSize = up;
        if (!policy.dryRun()) {
            progress(now, byId);
        }
        if (leading && due(now)) {
            lastEvaluation = now;
            LoadSample load = load(nodes);
            Decision decision = engine.decide(now, up, load, operator.size());
            if (operator.paused()) {
                decision = new Decision(decision.at(), up, decision.recommended(), decision.desired(), 0,
                        decision.reason(), "paused by an operator: nothing new is done until resume");
            }
            desiredSize = operator.paused() ? up : decision.desired();
            sizes.addLast(new PoolScaler.SizePoint(now, up, desiredSize));
            while (sizes.size() > SIZE_POINTS) {
                sizes.removeFirst();
            }
            lastDecision = decision;
            boolean busy = busy();
            if (!busy) {
                tellDecision(decision, load); // while an action runs, decisions are remembered (windows), not told
            }
            if (!policy.dryRun() && decision.acts() && !busy) {
                if (decision.change() > 0) {
                    scaleOut(decision.change(), decision.desired(), now);
                } else {
                    scaleIn(-decision.change(), decision.desired(), now, nodes);
                }
            }
        }
        publishStatus(nodes);
    }

    /** Reads the intent at the start of this node's term; false when it could not (tried again next tick). */
    private boolean takeOver(Instant now) {
        ScaleFleet.Stored stored;
        try {
            stored = fleet.read();
        } catch (ScaleFleet.Unavailable e) {
            LOG.warn("proxy tier: reading the intent failed: {}", e.getMessage());
            return false;
        }
        intent = stored.intent() != null ? stored.intent() : ScaleIntent.empty(TIER);
        version = stored.version();
        generation = Math.max(generation, intent.generation());
        leading = true;
        Set<String> registered = new HashSet<>();
        safeProxies().stream().filter(n -> !n.draining()).forEach(n -> registered.add(n.id()));
        for (ScaleIntent.Entry e : intent.members()) {
            if (e.state().equals(ScaleIntent.UP) && e.member() != null) {
                if (!registered.contains(e.member().name())) {
                    awaiting.put(e.member().name(), now); // started by the previous leader, not registered yet
                }
            } else if (e.state().equals(ScaleIntent.DRAINING) && e.member() != null) {
                // drainTimeout runs from when the drain began, as the leader that began it recorded it
                drainingSince.put(e.member().name(), e.since() > 0 ? Instant.ofEpochMilli(e.since()) : now);
            }
        }
        if (!policy.dryRun()) {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("version", Long.toString(version));
            d.put("generation", Long.toString(intent.generation()));
            d.put("previousLeader", intent.leader());
            d.put("members", Integer.toString(intent.members().size()));
            tell("scale.proxy.leader.took-over", SUBJECT, "this node leads the proxy tier: it continues the intent"
                    + " of " + (intent.leader().isEmpty() ? "nobody" : intent.leader()), d);
        }
        return true;
    }

    private void forget() {
        leading = false;
        inFlight.clear();
        awaiting.clear();
        drainingSince.clear();
        retryStop.clear();
        drainWaits.clear();
    }

    private boolean due(Instant now) {
        return lastEvaluation == null || !now.isBefore(lastEvaluation.plus(policy.interval()));
    }

    /** One action at a time: a start not yet registered, a drain or a stop under way. */
    private boolean busy() {
        return !awaiting.isEmpty() || intent.members().stream().anyMatch(e -> !e.state().equals(ScaleIntent.UP));
    }

    /** The metric over the up proxy nodes that published statistics. */
    private LoadSample load(List<ProxyNode> nodes) {
        List<ProxyNode> ready = nodes.stream().filter(n -> !n.draining() && n.reported()).toList();
        if (ready.isEmpty()) {
            return LoadSample.unknown(0);
        }
        double sum = 0;
        double busiest = 0;
        for (ProxyNode n : ready) {
            double v = valueOf(n);
            sum += v;
            busiest = Math.max(busiest, v);
        }
        return new LoadSample(sum / ready.size(), busiest, ready.size());
    }

    private double valueOf(ProxyNode n) {
        return config.metric().equals(ProxyTierAutoscaleConfig.CONNECTIONS_PER_NODE) ? n.clientConnections()
                : n.requestsPerSecond();
    }

    private void tellDecision(Decision d, LoadSample load) {
        String key = DecisionReport.key(d);
        if (key.equals(lastTold) && (!d.acts() || policy.dryRun())) {
            return; // told already
        }
        lastTold = key;
        tell("scale.decision", SUBJECT, DecisionReport.reason(policy, d), DecisionReport.details(policy, load, d));
    }

    // ---- actions -----------------------------------------------------------------------------------

    private void scaleOut(int n, int desired, Instant now) {
        ScaleIntent next = intent.aim(desired);
        List<Long> gens = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long gen = ++generation;
            gens.add(gen);
            next = next.with(new ScaleIntent.Entry(gen, ScaleIntent.STARTING, null));
        }
        if (!record(next, "the intent to start " + n + " proxy node" + (n == 1 ? "" : "s"))) {
            return;
        }
        for (long gen : gens) {
            tell("scale.proxy.starting", SUBJECT, "starting a proxy node through the " + config.provisioner().name()
                    + " provisioner", Map.of("generation", Long.toString(gen)));
            start(gen, now);
        }
    }

    private void start(long gen, Instant now) {
        inFlight.add(gen);
        Instant deadline = now.plus(policy.startTimeout());
        actions.execute(() -> {
            Provisioner.Result r = ProvisionerCalls.call(() -> provisioner.start(TIER, gen, deadline));
            backHome(() -> started(gen, r));
        });
    }

    private void started(long gen, Provisioner.Result r) {
        inFlight.remove(gen);
        if (!leading) {
            return; // the next leader asks again with this generation
        }
        Instant now = Instant.now();
        String key = "#" + gen;
        if (!r.ok()) {
            record(intent.without(e -> e.key().equals(key)), "the failed start");
            engine.acted(now);
            tell("scale.proxy.start.failed", SUBJECT, "the provisioner did not start a proxy node: " + r.detail(),
                    Map.of("generation", Long.toString(gen)));
            return;
        }
        Provisioner.Member m = r.member();
        if (!record(intent.with(new ScaleIntent.Entry(gen, ScaleIntent.UP, m), key), "the started node " + m.name())) {
            return;
        }
        awaiting.put(m.name(), now);
        tell("scale.proxy.started", m.name(), "the provisioner started node " + m.name() + " at " + m.address()
                + ": waiting for it to register up", member(gen, m));
    }

    private void scaleIn(int n, int desired, Instant now, List<ProxyNode> nodes) {
        Map<String, ScaleIntent.Entry> ours = new HashMap<>();
        for (ScaleIntent.Entry e : intent.members()) {
            if (e.state().equals(ScaleIntent.UP) && e.member() != null) {
                ours.put(e.member().name(), e);
            }
        }
        List<String> protectedNodes = operator.protectedMembers();
        List<ProxyNode> candidates = nodes.stream().filter(p -> !p.draining() && ours.containsKey(p.id())
                        && !protectedNodes.contains(p.id()))
                .sorted(Comparator.comparingDouble(this::valueOf).thenComparingInt(ProxyNode::clientConnections))
                .limit(n).toList();
        if (candidates.isEmpty()) {
            tell("scale.proxy.in.none", SUBJECT, "scale in wanted, but no up proxy node was started by the tier"
                    + (protectedNodes.isEmpty() ? "" : " and left unprotected (protected: "
                    + String.join(", ", protectedNodes) + ")") + ": only those are drained", Map.of());
            engine.acted(now);
            return;
        }
        ScaleIntent next = intent.aim(desired);
        for (ProxyNode p : candidates) {
            ScaleIntent.Entry e = ours.get(p.id());
            next = next.with(new ScaleIntent.Entry(++generation, ScaleIntent.DRAINING, e.member(), now.toEpochMilli()));
        }
        if (!record(next, "the intent to drain " + candidates.size())) {
            return;
        }
        for (ProxyNode p : candidates) {
            drainingSince.put(p.id(), now);
            Map<String, String> d = new LinkedHashMap<>();
            d.put("metric", policy.metric());
            d.put("value", Double.toString(valueOf(p)));
            d.put("clientConnections", Integer.toString(p.clientConnections()));
            tell("scale.proxy.draining", p.id(), "draining " + p.id() + ", the least loaded proxy node the tier "
                    + "started (" + policy.metric() + " " + valueOf(p) + "): it registers draining, so DNS stops "
                    + "answering with it, and is stopped once its connections finish (or after drainTimeout "
                    + seconds(policy.drainTimeout()) + ")", d);
        }
    }

    /** Moves every entry on: registrations seen, drains finished, calls asked again. */
    private void progress(Instant now, Map<String, ProxyNode> byId) {
        for (ScaleIntent.Entry e : List.copyOf(intent.members())) {
            if (!leading) {
                return;
            }
            switch (e.state()) {
                case ScaleIntent.STARTING -> {
                    if (!inFlight.contains(e.generation())) {
                        start(e.generation(), now); // asked by a previous leader (or a previous term): again, same generation
                    }
                }
                case ScaleIntent.UP -> awaitRegistration(e, now, byId.get(e.member().name()));
                case ScaleIntent.DRAINING -> followDrain(e, now, byId.get(e.member().name()));
                case ScaleIntent.STOPPING -> {
                    Instant retry = retryStop.get(e.member().name());
                    if (!inFlight.contains(e.generation()) && (retry == null || !now.isBefore(retry))) {
                        stop(e, now);
                    }
                }
                default -> LOG.debug("proxy tier: entry {} in state {} left alone", e.key(), e.state());
            }
        }
    }

    private void awaitRegistration(ScaleIntent.Entry e, Instant now, ProxyNode node) {
        String name = e.member().name();
        Instant since = awaiting.get(name);
        if (since == null) {
            return;
        }
        if (node != null && !node.draining()) {
            awaiting.remove(name);
            engine.acted(now);
            tell("scale.proxy.registered", name, "node " + name + " registered up: the GSLB tier answers with it ("
                    + node.address() + ")", member(e.generation(), e.member()));
        } else if (!now.isBefore(since.plus(policy.startTimeout()))) {
            awaiting.remove(name);
            tell("scale.proxy.start.failed", name, "node " + name + " did not register up within startTimeout "
                    + seconds(policy.startTimeout()) + ": stopping it", member(e.generation(), e.member()));
            ScaleIntent.Entry stopping = new ScaleIntent.Entry(++generation, ScaleIntent.STOPPING, e.member());
            if (record(intent.with(stopping), "stopping " + name)) {
                stop(stopping, now);
            }
        }
    }

    private void followDrain(ScaleIntent.Entry e, Instant now, ProxyNode node) {
        String name = e.member().name();
        Instant since = drainingSince.computeIfAbsent(name, k -> now);
        String why = null;
        if (node == null) {
            why = "it is no longer registered";
        } else if (node.draining() && node.statsAt() > since.toEpochMilli() && node.clientConnections() == 0) {
            why = "it registered draining (DNS no longer answers with it) and has no client connection left";
        } else if (!now.isBefore(since.plus(policy.drainTimeout()))) {
            why = "drainTimeout " + seconds(policy.drainTimeout()) + " passed since the drain began at " + since
                    + " with " + node.clientConnections()
                    + " client connection(s) still open" + (node.draining() ? "" : " (it never registered draining)");
        }
        if (why == null) {
            drainWaits.put(name, node.draining() && node.statsAt() > since.toEpochMilli()
                    ? "waiting for " + node.clientConnections() + " client connection(s) to finish"
                    : "waiting for it to register draining");
            return;
        }
        drainWaits.remove(name);
        ScaleIntent.Entry stopping = new ScaleIntent.Entry(++generation, ScaleIntent.STOPPING, e.member());
        if (!record(intent.with(stopping), "stopping " + name)) {
            return;
        }
        drainingSince.remove(name);
        Map<String, String> d = member(stopping.generation(), e.member());
        d.put("drainBegan", Long.toString(since.toEpochMilli()));
        tell("scale.proxy.drained", name, "node " + name + " is drained: " + why + "; stopping it", d);
        stop(stopping, now);
    }

    private void stop(ScaleIntent.Entry e, Instant now) {
        long gen = e.generation();
        Provisioner.Member m = e.member();
        inFlight.add(gen);
        Instant deadline = now.plus(policy.startTimeout());
        actions.execute(() -> {
            Provisioner.Result r = ProvisionerCalls.call(() -> provisioner.stop(m, gen, deadline));
            backHome(() -> stopped(gen, m, r));
        });
    }

    private void stopped(long gen, Provisioner.Member m, Provisioner.Result r) {
        inFlight.remove(gen);
        if (!leading) {
            return;
        }
        Instant now = Instant.now();
        if (!r.ok()) {
            retryStop.put(m.name(), now.plusMillis(STOP_RETRY_MILLIS));
            tell("scale.proxy.stop.failed", m.name(), "the provisioner did not stop " + m.name() + ": " + r.detail()
                    + "; asked again in " + STOP_RETRY_MILLIS / 1000 + " s", member(gen, m));
            return;
        }
        retryStop.remove(m.name());
        if (record(intent.without(e -> e.member() != null && e.member().name().equals(m.name())),
                "the stopped node " + m.name())) {
            engine.acted(now);
            tell("scale.proxy.stopped", m.name(), "node " + m.name() + " stopped by the provisioner", member(gen, m));
            dropProtection(m.name());
        }
    }

    // ---- the operator --------------------------------------------------------------------------------

    /** Stops the tier's automatic decisions (an action under way finishes); returns the tier's status. */
    public Map<String, Object> pause(String actor) {
        return operate(s -> new OperatorSettings(true, s.size(), s.protectedMembers()), "scale.paused",
                "automatic decisions stopped by " + actor + " (an action under way finishes)", Map.of("actor", actor));
    }

    /**
     * Gives the tier back to its policy (ends a pause and an operator's size; protections stay); returns the
     * tier's status.
     */
    public Map<String, Object> resume(String actor) {
        return operate(s -> new OperatorSettings(false, null, s.protectedMembers()), "scale.resumed",
                "back to the policy (a size set by an operator is forgotten), by " + actor, Map.of("actor", actor));
    }

    /** Brings the tier to {@code size} proxy nodes and holds it there until resume; returns its status. */
    public Map<String, Object> setSize(int size, String actor) {
        if (size < policy.min() || size > policy.max()) {
            throw new IllegalArgumentException("size " + size + " is outside the proxy tier's min " + policy.min()
                    + " and max " + policy.max());
        }
        return operate(s -> new OperatorSettings(false, size, s.protectedMembers()), "scale.set", "size " + size + " set by "
                + actor + ": the proxy tier is brought to it and kept there until resume",
                Map.of("actor", actor, "size", Integer.toString(size)));
    }

    /**
     * Protects a node the tier started from scale-in ({@code on}), or lifts its protection, for the whole
     * fleet as pause and set are; a node the tier did not start is refused (it is never scaled in anyway).
     * Returns the tier's status.
     *
     * @throws java.util.NoSuchElementException the tier's intent names no node {@code node}
     */
    public Map<String, Object> protect(String node, boolean on, String actor) {
        if (on) {
            ScaleService.callOn(home, () -> {
                requireStarted(node);
                return null;
            });
        }
        return operate(s -> {
            List<String> names = new ArrayList<>(s.protectedMembers());
            names.remove(node);
            if (on) {
                names.add(node);
            }
            return new OperatorSettings(s.paused(), s.size(), names);
        }, on ? "scale.member.protected" : "scale.member.unprotected", SUBJECT + "/" + node,
                (on ? "protected from scale-in" : "no longer protected from scale-in") + " by " + actor,
                Map.of("actor", actor));
    }

    /** Refuses a node the tier's intent (as stored now: any member may be asked) does not name. */
    private void requireStarted(String node) {
        ScaleIntent stored;
        try {
            stored = fleet.read().intent();
        } catch (ScaleFleet.Unavailable e) {
            throw new IllegalStateException("the fleet's store could not be reached (" + e.getMessage()
                    + "): nothing was changed");
        }
        boolean ours = stored != null && stored.members().stream()
                .anyMatch(e -> e.member() != null && e.member().name().equals(node));
        if (!ours) {
            throw new java.util.NoSuchElementException("the proxy tier has no node \"" + node + "\" started by its "
                    + "provisioner (the nodes it did not start are never scaled in)");
        }
    }

    private Map<String, Object> operate(java.util.function.UnaryOperator<OperatorSettings> change, String kind,
                                        String reason, Map<String, String> details) {
        return operate(change, kind, SUBJECT, reason, details);
    }

    /**
     * Makes an operator's change on the fleet's copy of the tier's settings, by compare-and-swap (a write
     * another member made meanwhile is read and the change made again on it, a few times at most), on the
     * scaler's thread; the change's event is told once the write is kept. A protection that changes
     * nothing (a node protected again, or one not protected lifted) writes and tells nothing, as a pool's.
     */
    private Map<String, Object> operate(java.util.function.UnaryOperator<OperatorSettings> change, String kind,
                                        String subject, String reason, Map<String, String> details) {
        ScaleService.callOn(home, () -> {
            changeSettings(change, kind, subject, reason, details);
            return null;
        });
        return status;
    }

    /** {@link #operate}'s change, on the scaler's thread. */
    private void changeSettings(java.util.function.UnaryOperator<OperatorSettings> change, String kind,
                                String subject, String reason, Map<String, String> details) {
        boolean protection = !subject.equals(SUBJECT);
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                ScaleFleet.StoredSettings st = fleet.readOperator();
                OperatorSettings next = change.apply(st.settings());
                if (protection && next.protectedMembers().equals(st.settings().protectedMembers())) {
                    return;
                }
                long v = fleet.writeOperator(st.version(), next);
                if (v > 0) {
                    operator = next;
                    operatorVersion = v;
                    lastEvaluation = null; // decided on the next tick
                    tell(kind, subject, reason, details);
                    publishStatus(safeProxies());
                    return;
                }
            }
        } catch (ScaleFleet.Unavailable e) {
            throw new IllegalStateException("the fleet's store could not be reached (" + e.getMessage()
                    + "): nothing was changed");
        }
        throw new IllegalStateException("the proxy tier's operator settings kept changing on other nodes "
                + "meanwhile: nothing was changed; try again");
    }

    /**
     * A node that left the tier (stopped by the provisioner) keeps no protection: dropped from the fleet's
     * record too, so that a node started later under the same name is not protected by it.
     */
    private void dropProtection(String node) {
        if (!operator.protectedMembers().contains(node)) {
            return;
        }
        try {
            changeSettings(s -> new OperatorSettings(s.paused(), s.size(), s.protectedMembers().stream()
                    .filter(n -> !n.equals(node)).toList()), "scale.member.unprotected", SUBJECT + "/" + node,
                    "node " + node + " stopped: its protection goes", Map.of());
        } catch (IllegalStateException e) {
            LOG.warn("proxy tier: the protection of the stopped node {} could not be dropped: {}", node,
                    e.getMessage());
        }
    }

    /** Takes the operator's settings the fleet keeps, changed through any member's admin API. */
    private void followOperator() {
        ScaleFleet.StoredSettings st;
        try {
            st = fleet.readOperator();
        } catch (ScaleFleet.Unavailable e) {
            LOG.debug("proxy tier: the operator's settings could not be read: {}", e.getMessage());
            return;
        }
        if (st.version() == operatorVersion) {
            return;
        }
        boolean first = operatorVersion < 0;
        operatorVersion = st.version();
        OperatorSettings next = st.settings();
        if (!next.equals(operator)) {
            operator = next;
            lastEvaluation = null;
            tell(first ? "scale.operator.restored" : "scale.operator.followed", SUBJECT, "the operator's settings "
                    + (first ? "kept in the fleet's store are taken: " : "changed in the fleet's store (through "
                    + "another node's admin API): ") + next.describe(), Map.of());
        }
    }

    // ---- the intent ----------------------------------------------------------------------------------

    /** Writes the intent; false (and this term ends: the intent is read again) when it was not written. */
    private boolean record(ScaleIntent next, String what) {
        ScaleIntent stamped = next.by(fleetSelf());
        try {
            long v = fleet.write(version, stamped);
            if (v > 0) {
                intent = stamped;
                version = v;
                return true;
            }
            tell("scale.proxy.leader.fenced", SUBJECT, "writing " + what + " was refused: another node leads, or "
                    + "wrote first; the intent is read again", Map.of("version", Long.toString(version)));
        } catch (ScaleFleet.Unavailable e) {
            tell("scale.fleet.unavailable", SUBJECT, "writing " + what + " failed: " + e.getMessage(), Map.of());
        }
        forget();
        return false;
    }

    private String fleetSelf() {
        String l = fleet.leader();
        return l == null ? "" : l;
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private List<ProxyNode> safeProxies() {
        try {
            return fleet.proxies();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static Map<String, String> member(long gen, Provisioner.Member m) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("generation", Long.toString(gen));
        d.put("node", m.name());
        d.put("address", m.address());
        return d;
    }

    private void tell(String kind, String subject, String reason, Map<String, String> details) {
        events.publish(kind, subject, reason, details);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("at", Instant.now().toString());
        s.put("kind", kind);
        s.put("subject", subject);
        s.put("reason", reason);
        steps.addLast(s);
        while (steps.size() > RECENT) {
            steps.removeFirst();
        }
    }

    private static String seconds(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void backHome(Runnable task) {
        try {
            home.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            LOG.debug("proxy tier: the scaler has stopped; a provisioner's result is dropped");
        }
    }

    private void publishStatus(List<ProxyNode> nodes) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("leads", leading);
        out.put("leader", fleetSelf());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provisioner", config.provisioner().name());
        p.put("metric", policy.metric());
        p.put("target", policy.target());
        p.put("min", policy.min());
        p.put("max", policy.max());
        p.put("step", policy.step());
        p.put("dryRun", policy.dryRun());
        out.put("policy", p);
        out.put("name", SUBJECT);
        out.put("current", currentSize);
        out.put("desired", desiredSize);
        out.put("paused", operator.paused());
        out.put("operatorSize", operator.size());
        out.put("protected", operator.protectedMembers());
        Instant cooldown = engine.cooldownUntil(Instant.now());
        out.put("cooldownUntil", cooldown == null ? null : cooldown.toString());
        out.put("version", version);
        Map<String, String> states = new HashMap<>();
        for (ScaleIntent.Entry e : intent.members()) {
            states.put(e.key(), e.state());
        }
        List<Map<String, Object>> members = new ArrayList<>();
        for (ProxyNode n : nodes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.id());
            m.put("state", n.draining() ? "draining" : "up");
            m.put("address", n.address());
            m.put("provisioned", states.containsKey(n.id()));
            m.put("intent", states.get(n.id()));
            m.put("requestsPerSecond", Math.round(n.requestsPerSecond() * 1000) / 1000.0);
            m.put("clientConnections", n.clientConnections());
            m.put("drain", drainWaits.get(n.id()));
            m.put("protected", operator.protectedMembers().contains(n.id()));
            members.add(m);
        }
        out.put("members", members);
        List<Map<String, Object>> intended = new ArrayList<>();
        for (ScaleIntent.Entry e : intent.members()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", e.key());
            m.put("state", e.state());
            m.put("generation", e.generation());
            m.put("since", e.since() > 0 ? Instant.ofEpochMilli(e.since()).toString() : null);
            m.put("address", e.member() == null ? null : e.member().address());
            intended.add(m);
        }
        out.put("intent", intended);
        List<Map<String, Object>> recent = new ArrayList<>(steps);
        Decision d = lastDecision;
        if (d != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("at", d.at().toString());
            e.put("current", d.current());
            e.put("recommended", d.recommended());
            e.put("desired", d.desired());
            e.put("change", d.change());
            e.put("reason", DecisionReport.reason(policy, d));
            e.put("held", d.held());
            out.put("evaluation", e); // the latest, told or not
        }
        out.put("lastDecision", recent.reversed().stream().filter(s -> "scale.decision".equals(s.get("kind")))
                .findFirst().orElse(null));
        out.put("steps", recent);
        List<Map<String, Object>> history = new ArrayList<>();
        for (PoolScaler.SizePoint point : sizes) {
            history.add(Map.of("at", point.at().toEpochMilli(), "current", point.current(), "desired",
                    point.desired()));
        }
        out.put("history", history); // the leader's, one point per evaluation
        status = out;
    }

    /** Stops ticking and closes the provisioner; what runs stays (the next leader follows the intent). */
    @Override
    public void close() {
        home.shutdownNow();
        actions.shutdownNow();
        try {
            provisioner.close();
        } catch (Exception e) {
            LOG.debug("proxy tier: closing the provisioner: {}", e.toString());
        }
    }
}
