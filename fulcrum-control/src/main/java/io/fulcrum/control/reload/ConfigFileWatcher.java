package io.fulcrum.control.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Calls back when one file changes: watches the file's directory (a {@link WatchService}
 * on a daemon thread) for the file being written, created, or renamed into place, which
 * is how editors and {@code mv} replace files. A burst of events (an editor writing in
 * several steps) is debounced into one call, made once the directory has been quiet for
 * the debounce period.
 *
 * <p>Names starting with {@code ..} in the same directory also count: Kubernetes
 * updates a mounted ConfigMap by swapping a {@code ..data} symlink, and the file name
 * itself never sees an event. Calls for a file whose content did not change are harmless
 * (the reloader finds nothing to do).
 */
public final class ConfigFileWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileWatcher.class);

    private final Path file;
    private final Path fileName;
    private final long debounceNanos;
    private final Runnable onChange;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean closed;

    private ConfigFileWatcher(Path file, Duration debounce, Runnable onChange) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        Path name = this.file.getFileName();
        if (name == null || this.file.getParent() == null) {
            throw new IOException("cannot watch " + file + ": not a file path");
        }
        this.fileName = name;
        this.debounceNanos = debounce.toNanos();
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.watcher = FileSystems.getDefault().newWatchService();
        try {
            this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | RuntimeException e) {
            watcher.close();
            throw new IOException("cannot watch " + this.file.getParent() + ": " + e.getMessage(), e);
        }
        this.thread = Thread.ofPlatform().name("fulcrum-config-watch").daemon(true).unstarted(this::run);
    }

    /**
     * Starts watching.
     *
     * @param file     the file to watch (its directory must exist)
     * @param debounce how long the directory must be quiet after a change before {@code onChange} runs
     * @param onChange called on the watcher thread, once per burst of changes
     * @throws IOException when the directory cannot be watched
     */
    public static ConfigFileWatcher start(Path file, Duration debounce, Runnable onChange) throws IOException {
        ConfigFileWatcher w = new ConfigFileWatcher(file, debounce, onChange);
        w.thread.start();
        LOG.info("watching {} for changes", w.file);
        return w;
    }

    /** The watched file, absolute. */
    public Path file() {
        return file;
    }

    private void run() {
        long due = 0; // 0 = nothing pending
        try {
            while (!closed) {
                WatchKey key;
                if (due == 0) {
                    key = watcher.take();
                } else {
                    long wait = due - System.nanoTime();
                    key = wait <= 0 ? null : watcher.poll(wait, TimeUnit.NANOSECONDS);
                }
                if (key != null) {
                    if (relevant(key)) {
                        due = System.nanoTime() + debounceNanos;
                    }
                    if (!key.reset()) {
                        LOG.warn("{} can no longer be watched (directory removed?); file changes are not followed",
                                file.getParent());
                        return;
                    }
                } else if (due != 0 && System.nanoTime() - due >= 0) {
                    due = 0;
                    fire();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private boolean relevant(WatchKey key) {
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                relevant = true;
            } else if (event.context() instanceof Path changed
                    && (changed.equals(fileName) || changed.toString().startsWith(".."))) {
                relevant = true;
            }
        }
        return relevant;
    }

    private void fire() {
        try {
            onChange.run();
        } catch (Throwable e) { // an Error too: one failed reload must not end the watch
            LOG.error("handling a change of {} failed; still watching", file, e);
        }
    }

    /** Stops watching; a pending (debounced) change is dropped. */
    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service", e);
        }
        thread.interrupt();
    }
}
