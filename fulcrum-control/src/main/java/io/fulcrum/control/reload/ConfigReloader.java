package io.fulcrum.control.reload;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.core.config.FulcrumConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reloads a configuration file: loads and validates it, and only when it is valid hands
 * it to a {@link ConfigApplier}; a file that fails is refused with its errors logged, and
 * the running configuration keeps serving.
 *
 * <p>Reloads are serialized (one at a time, whichever trigger asked: a file change, a
 * signal, a command), so two triggers in quick succession apply the file twice in order
 * rather than racing. Each attempt is logged in one line naming what changed (see
 * {@link ConfigChanges#summary()}), returned as a {@link ReloadResult} and counted.
 *
 * <p>When the applier fails part-way (a new listener cannot bind), the rest of the change
 * stays applied, as {@code ProxyServer.apply} documents; the attempted configuration
 * becomes the baseline for the next comparison, and a later reload of the same file
 * retries what failed.
 */
public final class ConfigReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path file;
    private final ConfigApplier applier;
    private final AtomicLong successes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile FulcrumConfig current;
    /** Size and mtime of the TLS files of {@link #current}: a change applies an otherwise unchanged file. */
    private java.util.Map<String, String> tlsFiles;
    private volatile ReloadResult last;
    private boolean retryNeeded;
    private boolean closed;

    /**
     * @param file    the configuration file to read on each reload
     * @param current the configuration serving now (the baseline for change summaries)
     * @param applier puts a new configuration into service
     */
    public ConfigReloader(Path file, FulcrumConfig current, ConfigApplier applier) {
        this.file = Objects.requireNonNull(file, "file");
        this.current = Objects.requireNonNull(current, "current");
        this.applier = Objects.requireNonNull(applier, "applier");
        this.tlsFiles = TlsFiles.stamp(current);
    }

    /**
     * Reads the file and applies it if it is valid and differs from what is serving.
     * Never throws: every outcome is logged and returned.
     *
     * @param trigger what asked for the reload, for the log ({@code SIGHUP}, {@code file changed})
     */
    public synchronized ReloadResult reload(String trigger) {
        if (closed) {
            LOG.info("reload ({}) ignored: stopping", trigger);
            return new ReloadResult(ReloadResult.Outcome.STOPPED, trigger, "stopping", null);
        }
        ReloadResult result = attempt(trigger);
        last = result;
        if (result.succeeded()) {
            successes.incrementAndGet();
        } else if (result.outcome() != ReloadResult.Outcome.STOPPED) {
            failures.incrementAndGet();
        }
        return result;
    }

    private ReloadResult attempt(String trigger) {
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.loadWithWarnings(file);
        } catch (ConfigException e) {
            LOG.error("reload refused: {} ({}; the previous configuration keeps serving)", e.getMessage(), trigger);
            return new ReloadResult(ReloadResult.Outcome.REFUSED, trigger, e.getMessage(), null);
        } catch (RuntimeException e) {
            String why = "cannot load " + file + ": " + e;
            LOG.error("reload refused: {} ({}; the previous configuration keeps serving)", why, trigger, e);
            return new ReloadResult(ReloadResult.Outcome.REFUSED, trigger, why, null);
        }
        loaded.warnings().forEach(w -> LOG.warn("configuration: {}", w.format(file.toString())));
        FulcrumConfig next = loaded.config();
        ConfigChanges changes = ConfigChanges.between(current, next);
        java.util.Map<String, String> nextTlsFiles = TlsFiles.stamp(next);
        boolean tlsFilesChanged = !nextTlsFiles.equals(tlsFiles);
        if (changes.isEmpty() && !retryNeeded && !tlsFilesChanged) {
            LOG.info("reload ({}): {} unchanged", trigger, file);
            return new ReloadResult(ReloadResult.Outcome.UNCHANGED, trigger, changes.summary(), changes);
        }
        try {
            applier.apply(next);
        } catch (IOException | RuntimeException e) {
            current = next;
            tlsFiles = nextTlsFiles;
            retryNeeded = true;
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.error("reload ({}) partly failed: {}; applied the rest: {}", trigger, why, changes.summary());
            return new ReloadResult(ReloadResult.Outcome.FAILED, trigger, why, changes);
        }
        current = next;
        tlsFiles = nextTlsFiles;
        retryNeeded = false;
        LOG.info("reloaded {} ({}): {}{}", file, trigger, changes.summary(),
                tlsFilesChanged ? "; certificate files changed" : "");
        return new ReloadResult(ReloadResult.Outcome.APPLIED, trigger, changes.summary(), changes);
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

    /** The file this reloader reads. */
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

    /** Reloads that left the file's configuration serving (applied or unchanged). */
    public long successes() {
        return successes.get();
    }

    /** Reloads refused (invalid file) or failed part-way; ignored ones after {@link #close()} are not counted. */
    public long failures() {
        return failures.get();
    }
}
