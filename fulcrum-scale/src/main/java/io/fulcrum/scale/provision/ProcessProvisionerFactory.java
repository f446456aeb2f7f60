package io.fulcrum.scale.provision;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.NamedFactory;
import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.core.provision.ProvisionerFactory;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code process} provisioner: each member is a local process started from a command
 * template, given a free port, watched and restarted when it exits ({@link ProcessProvisioner}).
 * Registered in {@code META-INF/services/io.fulcrum.core.provision.ProvisionerFactory}.
 */
public final class ProcessProvisionerFactory extends NamedFactory<ProcessSettings>
        implements ProvisionerFactory<ProcessSettings> {

    /** Its name in the configuration. */
    public static final String NAME = "process";

    public ProcessProvisionerFactory() {
        super(NAME, ProcessSettings.class);
    }

    /**
     * One of {@code command} (not empty, no empty entry) and {@code shell}; known placeholders only;
     * an IP address of this machine that is not a wildcard; a port range; an existing working
     * directory; positive durations, a backoff no longer than its bound, a count of restarts ≥ 0.
     */
    @Override
    public List<InvalidFieldException> validate(ProcessSettings s) {
        List<InvalidFieldException> out = new ArrayList<>();
        if (s.shell() == null && s.command().isEmpty()) {
            out.add(new InvalidFieldException("command",
                    "a command is required: the program and its arguments as a list, like [python3, -m, http.server, "
                            + "\"{port}\"] (or shell: a line for /bin/sh -c)"));
        } else if (s.shell() != null && !s.command().isEmpty()) {
            out.add(new InvalidFieldException("shell", "give command or shell, not both"));
        }
        for (int i = 0; i < s.command().size(); i++) {
            String field = "command[" + i + "]";
            if (s.command().get(i).isEmpty()) {
                out.add(new InvalidFieldException(field, "an empty argument"));
            }
            SettingChecks.placeholders(field, s.command().get(i), out);
        }
        if (s.shell() != null) {
            if (s.shell().isBlank()) {
                out.add(new InvalidFieldException("shell", "an empty shell line"));
            }
            SettingChecks.placeholders("shell", s.shell(), out);
        }
        for (Map.Entry<String, String> e : s.environment().entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().contains("=")) {
                out.add(new InvalidFieldException("environment", "not a variable name: '" + e.getKey() + "'"));
            }
            SettingChecks.placeholders("environment." + e.getKey(), e.getValue() == null ? "" : e.getValue(), out);
        }
        SettingChecks.memberAddress(s.address(), s.ports(), out);
        if (s.workingDirectory() != null) {
            try {
                if (!Files.isDirectory(Path.of(s.workingDirectory()))) {
                    out.add(new InvalidFieldException("workingDirectory", "no such directory: " + s.workingDirectory()));
                }
            } catch (InvalidPathException e) {
                out.add(new InvalidFieldException("workingDirectory", "not a path: " + e.getMessage()));
            }
        }
        SettingChecks.positive("stopGrace", s.stopGrace(), out);
        SettingChecks.positive("readyTimeout", s.readyTimeout(), out);
        SettingChecks.positive("restartWindow", s.restartWindow(), out);
        SettingChecks.positive("restartBackoff", s.restartBackoff(), out);
        SettingChecks.positive("restartBackoffMax", s.restartBackoffMax(), out);
        if (s.restartBackoff().compareTo(s.restartBackoffMax()) > 0) {
            out.add(new InvalidFieldException("restartBackoff", "must not be longer than restartBackoffMax ("
                    + s.restartBackoffMax() + "; got " + s.restartBackoff() + ")"));
        }
        if (s.maxRestarts() < 0) {
            out.add(new InvalidFieldException("maxRestarts", "must be 0 or more (got " + s.maxRestarts() + ")"));
        }
        return out;
    }

    @Override
    public Provisioner create(ProcessSettings settings) {
        return new ProcessProvisioner(settings);
    }
}
