package io.fulcrum.control.reload;

import io.fulcrum.control.config.ConfigError;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.ConfigValidator;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one way a new configuration reaches a running node. Every trigger hands it a
 * candidate: a file change, SIGHUP and {@code fulcrum reload} through {@link #reload}
 * (which reads the configuration file), the admin API likewise, and a configuration
 * store (etcd, say) through {@link #offer} with a configuration it fetched. The
 * candidate is validated, compiled by the node's {@link CompileCheck} (certificates and
 * keys, zones, GSLB records, secrets: what {@code fulcrum validate} and {@code fulcrum run}
 * compile), compared with what is serving section by section ({@link ConfigChanges}), and
 * only when it differs handed to a {@link ConfigApplier}. A candidate that fails validation
 * or compilation is refused before any part of it is applied, with each problem logged as
 * {@code validate} prints it ({@code file:line:column: field.path: reason}), and the running
 * configuration keeps serving, every section of it.
 *
 * <p>Reloads are serialized (one at a time, whichever trigger asked), so two triggers in
 * quick succession apply in order rather than racing. Each attempt is logged in one line
 * naming what changed per section, published as a {@code config.reload} event whose
 * details hold the same per section (and the outcome and trigger), returned as a {@link ReloadResult} and counted.
 * Fields only read at start ({@link io.fulcrum.core.config.RestartRequired}) are named in
 * a warning that they need a restart.
 *
 * <p>Nothing thrown on the way, not even an {@link Error} such as running out of memory,
 * escapes {@link #reload} or {@link #offer}: it becomes a failed result, so the file
 * watcher and the signal handler that call this keep working.
 *
 * <p>When the applier fails part-way (a listener cannot bind its new address and keeps
 * its old one), the rest of the change stays applied; the candidate becomes the baseline
 * for the next comparison, and a later reload of the same candidate retries what failed.
 */
public final class ConfigReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path file;
    private final CompileCheck compileCheck;
    private final ConfigApplier applier;
    private final EventLog events;
    private final AtomicLong successes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile FulcrumConfig current;
    /** Size and mtime of the files {@link #current} names (TLS, error pages): a change applies an otherwise unchanged file. */
    private Map<String, String> namedFiles;
    private volatile ReloadResult last;
    /** When the latest attempt ended ({@code null} before the first). */
    private volatile java.time.Instant lastAttemptAt;
    /** When the configuration serving was put into service: construction, then each successful reload. */
    private volatile java.time.Instant lastSuccessAt = java.time.Instant.now();
    private boolean retryNeeded;
    private boolean closed;

    /**
     * @param file         the configuration file {@link #reload} reads, or {@code null} when the node
     *                     was not started from a file (then only {@link #offer} gives candidates)
     * @param current      the configuration serving now (the baseline for the first comparison)
     * @param compileCheck compiles a valid candidate as the node would run it; what it refuses is
     *                     refused before the applier sees it
     * @param applier      puts a new configuration into service
     * @param events       where each attempt is published, or {@code null}
     */
    public ConfigReloader(Path file, FulcrumConfig current, CompileCheck compileCheck, ConfigApplier applier,
                          EventLog events) {
        this.file = file;
        this.current = Objects.requireNonNull(current, "current");
        this.compileCheck = Objects.requireNonNull(compileCheck, "compileCheck");
        this.applier = Objects.requireNonNull(applier, "applier");
        this.events = events;
        this.namedFiles = NamedFiles.stamp(current);
    }

    /**
     * Reads the configuration file and applies it if it is valid, compiles and differs from
     * what is serving. Never throws: every outcome is logged and returned.
     *
     * @param trigger what asked for the reload, for the log ({@code SIGHUP}, {@code file changed})
     */
    public ReloadResult reload(String trigger) {
        return reload(trigger, Event.SYSTEM);
    }

    /**
     * Like {@link #reload(String)}, asked by an operator.
     *
     * @param actor who asked, named as the actor of the {@code config.reload} event (a token name)
     */
    public synchronized ReloadResult reload(String trigger, String actor) {
        return attempt(trigger, actor, () -> {
            if (file == null) {
                throw new ConfigException("<config>", List.of(new ConfigError("", 0, 0,
                        "this node was not started from a file; there is nothing to reload")));
            }
            return ConfigLoader.loadWithWarnings(file);
        }, file == null ? "<config>" : file.toString());
    }

    /**
     * Validates and compiles a configuration that came from elsewhere (a configuration store)
     * and applies it like a reloaded file. Never throws.
     *
     * @param candidate the configuration to put into service
     * @param source    where it came from, for the log ({@code etcd /fulcrum/config rev 42})
     * @param trigger   what asked for it
     */
    public synchronized ReloadResult offer(FulcrumConfig candidate, String source, String trigger) {
        return attempt(trigger, Event.SYSTEM, () -> {
            ConfigValidator.Result r = ConfigValidator.validate(candidate);
            if (!r.ok()) {
                throw new ConfigException(source, r.errors());
            }
            return new LoadedConfig(candidate, r.warnings());
        }, source);
    }

    /** Where a candidate comes from: the file, or a store's configuration checked here. */
    private interface Candidate {
        LoadedConfig load() throws ConfigException;
    }

    private ReloadResult attempt(String trigger, String actor, Candidate candidate, String source) {
        if (closed) {
            LOG.info("reload ({}) ignored: stopping", trigger);
            return new ReloadResult(ReloadResult.Outcome.STOPPED, trigger, "stopping", null, List.of());
        }
        ReloadResult result;
        try {
            result = load(trigger, candidate, source);
        } catch (Throwable e) { // an Error too: the watcher and SIGHUP must outlive any one reload
            String why = "reload of " + source + " failed: " + e;
            LOG.error("{} ({}; the previous configuration keeps serving)", why, trigger, e);
            result = new ReloadResult(ReloadResult.Outcome.FAILED, trigger, why, null, List.of());
        }
        last = result;
        java.time.Instant now = java.time.Instant.now();
        lastAttemptAt = now;
        if (result.succeeded()) {
            lastSuccessAt = now;
            successes.incrementAndGet();
        } else {
            failures.incrementAndGet();
        }
        publish(result, source, actor);
        return result;
    }

    private ReloadResult load(String trigger, Candidate candidate, String source) {
        LoadedConfig loaded;
        try {
            loaded = compileCheck.compiled(candidate.load());
        } catch (ConfigException e) {
            // Named by this reloader's source: a store's candidate has no file of its own to name.
            String why = new ConfigException(source, e.errors()).getMessage();
            LOG.error("reload refused: {} ({}; the previous configuration keeps serving)", why, trigger);
            return new ReloadResult(ReloadResult.Outcome.REFUSED, trigger, why, null, List.of());
        } catch (RuntimeException e) {
            String why = "cannot load " + source + ": " + e;
            LOG.error("reload refused: {} ({}; the previous configuration keeps serving)", why, trigger, e);
            return new ReloadResult(ReloadResult.Outcome.REFUSED, trigger, why, null, List.of());
        }
        List<String> warnings = loaded.warnings().stream().map(w -> w.format(source)).toList();
        warnings.forEach(w -> LOG.warn("configuration: {}", w));
        return applyCandidate(trigger, loaded.config(), source, warnings);
    }

    private ReloadResult applyCandidate(String trigger, FulcrumConfig next, String source, List<String> warnings) {
        ConfigChanges changes = ConfigChanges.between(current, next);
        Map<String, String> nextNamedFiles = NamedFiles.stamp(next);
        boolean namedFilesChanged = !nextNamedFiles.equals(namedFiles);
        if (changes.isEmpty() && !retryNeeded && !namedFilesChanged) {
            LOG.info("reload ({}): {} unchanged", trigger, source);
            return new ReloadResult(ReloadResult.Outcome.UNCHANGED, trigger, changes.summary(), changes, warnings);
        }
        if (!changes.restartRequired().isEmpty()) {
            LOG.warn("reload ({}): {} changed but only take effect after a restart; the running values are kept",
                    trigger, String.join(", ", changes.restartRequired()));
        }
        try {
            applier.apply(next);
        } catch (IOException | RuntimeException e) {
            current = next;
            namedFiles = nextNamedFiles;
            retryNeeded = true;
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.error("reload ({}) partly failed: {}; applied the rest: {}", trigger, why, changes.summary());
            return new ReloadResult(ReloadResult.Outcome.FAILED, trigger, why, changes, warnings);
        }
        current = next;
        namedFiles = nextNamedFiles;
        retryNeeded = false;
        LOG.info("reloaded {} ({}): {}{}", source, trigger, changes.summary(),
                namedFilesChanged ? "; files it names changed (certificates, error pages)" : "");
        return new ReloadResult(ReloadResult.Outcome.APPLIED, trigger, changes.summary(), changes, warnings);
    }

    private void publish(ReloadResult result, String source, String actor) {
        if (events == null) {
            return;
        }
        try {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT));
            details.put("trigger", result.trigger());
            if (result.changes() != null) {
                details.putAll(result.changes().bySection());
            }
            String reason = result.outcome() == ReloadResult.Outcome.APPLIED
                    || result.outcome() == ReloadResult.Outcome.UNCHANGED ? result.message()
                    : firstLine(result.message());
            events.publish(new Event(0, Instant.now(), "config.reload", source, reason, actor, details));
        } catch (RuntimeException e) {
            LOG.warn("cannot publish the reload event: {}", e.toString());
        }
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Stops reloading: waits for a reload in progress, after which every {@link #reload}
     * returns {@link ReloadResult.Outcome#STOPPED} without reading the file. Call it before
     * shutting down what the applier applies to.
     */
    @Override
    public synchronized void close() {
        closed = true;
    }

    /** The file this reloader reads, or {@code null}. */
    public Path file() {
        return file;
    }

    /** The configuration applied last (or the initial one). */
    public FulcrumConfig current() {
        return current;
    }

    /** The result of the latest attempt, or {@code null} before the first. */
    public ReloadResult lastResult() {
        return last;
    }

    /** When the latest reload attempt ended, whatever its outcome; {@code null} before the first. */
    public java.time.Instant lastAttemptAt() {
        return lastAttemptAt;
    }

    /** When the latest reload that succeeded ended, or when this reloader was made (the start) before any. */
    public java.time.Instant lastSuccessAt() {
        return lastSuccessAt;
    }

    /** Reloads that left the candidate serving (applied or unchanged). */
    public long successes() {
        return successes.get();
    }

    /** Reloads refused (invalid candidate) or failed part-way; ignored ones after {@link #close()} are not counted. */
    public long failures() {
        return failures.get();
    }
}
