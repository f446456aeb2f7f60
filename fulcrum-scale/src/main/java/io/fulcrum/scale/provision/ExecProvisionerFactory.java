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
 * The {@code exec} provisioner: every action runs an operator's program with a JSON document on
 * its standard input and reads the answer on its standard output ({@link ExecProvisioner}), so any
 * cloud's command line, {@code systemd-run}, {@code virsh} or {@code kubectl} plugs in. Registered in
 * {@code META-INF/services/io.fulcrum.core.provision.ProvisionerFactory}.
 */
public final class ExecProvisionerFactory extends NamedFactory<ExecSettings>
        implements ProvisionerFactory<ExecSettings> {

    /** Its name in the configuration. */
    public static final String NAME = "exec";

    public ExecProvisionerFactory() {
        super(NAME, ExecSettings.class);
    }

    /** A command that is not empty and has no empty entry, an existing working directory, variable names. */
    @Override
    public List<InvalidFieldException> validate(ExecSettings s) {
        List<InvalidFieldException> out = new ArrayList<>();
        if (s.command().isEmpty()) {
            out.add(new InvalidFieldException("command", "a command is required: the program and its arguments as "
                    + "a list, like [/etc/fulcrum/provision.sh]; it is told the action on its standard input"));
        }
        for (int i = 0; i < s.command().size(); i++) {
            if (s.command().get(i).isEmpty()) {
                out.add(new InvalidFieldException("command[" + i + "]", "an empty argument"));
            }
        }
        for (Map.Entry<String, String> e : s.environment().entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().contains("=")) {
                out.add(new InvalidFieldException("environment", "not a variable name: '" + e.getKey() + "'"));
            }
        }
        if (s.workingDirectory() != null) {
            try {
                if (!Files.isDirectory(Path.of(s.workingDirectory()))) {
                    out.add(new InvalidFieldException("workingDirectory", "no such directory: " + s.workingDirectory()));
                }
            } catch (InvalidPathException e) {
                out.add(new InvalidFieldException("workingDirectory", "not a path: " + e.getMessage()));
            }
        }
        return out;
    }

    @Override
    public Provisioner create(ExecSettings settings) {
        return new ExecProvisioner(settings);
    }
}
