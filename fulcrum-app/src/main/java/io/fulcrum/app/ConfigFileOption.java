package io.fulcrum.app;

import io.fulcrum.control.config.ConfigError;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.LoadedConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The {@code -c/--config FILE} option of the commands that read a configuration file. */
public final class ConfigFileOption {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The YAML configuration file.")
    private Path file;

    /** The file as the user named it. */
    public Path file() {
        return file;
    }

    /**
     * Loads and validates the file.
     *
     * @return the configuration and its warnings
     * @throws ConfigException with a readable report naming each problem's line, column and field path
     */
    public LoadedConfig load() throws ConfigException {
        return ConfigLoader.loadWithWarnings(file);
    }

    /** Each warning as one line, compiler style: {@code FILE:LINE:COL: field.path: message}. */
    public List<String> warningLines(LoadedConfig loaded) {
        return loaded.warnings().stream().map((ConfigError w) -> w.format(file.toString())).toList();
    }
}
