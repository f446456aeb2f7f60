package io.fulcrum.app;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigError;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.reload.CompileCheck;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.lifecycle.BindFailedException;
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

    /**
     * Loads and validates the file, then compiles it as {@code run} starts it, short of binding
     * sockets ({@link FulcrumNode#check}): certificates and keys, zones, GSLB records... A file this
     * accepts is one {@code run} starts with.
     *
     * @throws ConfigException naming each problem's line, column and field path, whichever step found it
     */
    public LoadedConfig loadCompiled() throws ConfigException {
        CompileCheck asRun = FulcrumNode::check; // the check every reload makes too
        return asRun.compiled(load());
    }

    /**
     * One line for a failure while starting: {@code FILE:LINE:COL: field.path: reason} when the
     * failure names a field of the file (one it cannot compile, an address it cannot bind), else
     * its message.
     */
    public String startFailure(LoadedConfig loaded, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidFieldException f) {
                return loaded.locations().locate(f).format(file.toString());
            }
            if (t instanceof BindFailedException b) {
                return loaded.locations().locate(b.field(), b.getMessage()).format(file.toString());
            }
        }
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.toString() : message.replace('\n', ' ');
    }

    /** Each warning as one line, compiler style: {@code FILE:LINE:COL: field.path: message}. */
    public List<String> warningLines(LoadedConfig loaded) {
        return loaded.warnings().stream().map((ConfigError w) -> w.format(file.toString())).toList();
    }
}
