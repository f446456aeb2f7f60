package io.fulcrum.control.store;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.reload.ConfigFileWatcher;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.store.StoreType;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code file} store: the configuration is a YAML file, read with {@link ConfigLoader}
 * and watched with {@link ConfigFileWatcher}; each change is read again and handed on,
 * valid or not.
 */
public final class FileConfigStore implements ConfigStore {

    /** How long the file must stay unchanged before it is read (editors write in steps). */
    static final Duration DEBOUNCE = Duration.ofMillis(250);

    /**
     * Settings of {@code file}.
     *
     * @param path the configuration file; absent, the file the node was started from (what a
     *             configuration without a {@code store} section means)
     */
    public record Settings(String path) {
    }

    /** The factory of {@code file} stores. */
    public static final class Factory implements ConfigStoreFactory<Settings> {

        @Override
        public String name() {
            return StoreType.FILE;
        }

        @Override
        public Class<Settings> settingsType() {
            return Settings.class;
        }

        @Override
        public List<InvalidFieldException> validate(Settings s) {
            return s.path() != null && s.path().isBlank()
                    ? List.of(new InvalidFieldException("path", "blank: name the configuration file, or leave path out"))
                    : List.of();
        }

        @Override
        public ConfigStore open(Settings s, StoreContext context) {
            if (s.path() == null) {
                return new FileConfigStore(context.bootstrapFile());
            }
            Path p = Path.of(s.path());
            return new FileConfigStore(p.isAbsolute() || context == null ? p : context.baseDir().resolve(p));
        }
    }

    private final Path file;
    private ConfigFileWatcher watcher;
    private boolean closed;

    /** A store over this file. */
    public FileConfigStore(Path file) {
        this.file = file;
    }

    @Override
    public String source() {
        return file.toString();
    }

    @Override
    public LoadedConfig load() throws ConfigException {
        return ConfigLoader.loadWithWarnings(file);
    }

    @Override
    public synchronized void watch(Listener listener) throws IOException {
        if (watcher != null || closed) {
            throw new IllegalStateException("already watched or closed");
        }
        watcher = ConfigFileWatcher.start(file, DEBOUNCE, () -> {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            try {
                listener.offer(load().config(), source(), "file change");
            } catch (ConfigException e) {
                listener.refused(e, source());
            }
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
    }
}
