package io.fulcrum.scale.provision;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.NamedFactory;
import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.core.provision.ProvisionerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code systemd} provisioner: each member a transient service unit started with
 * {@code systemd-run} ({@link SystemdProvisioner}). Refused, when the configuration is loaded,
 * on a machine where systemd does not run. Registered in
 * {@code META-INF/services/io.fulcrum.core.provision.ProvisionerFactory}.
 */
public final class SystemdProvisionerFactory extends NamedFactory<SystemdSettings>
        implements ProvisionerFactory<SystemdSettings> {

    /** Its name in the configuration. */
    public static final String NAME = "systemd";

    public SystemdProvisionerFactory() {
        super(NAME, SystemdSettings.class);
    }

    /**
     * A running systemd (with {@code systemd-run} on the {@code PATH}); a command with known
     * placeholders; an address and ports as for {@code process}; properties written
     * {@code Name=value}; positive durations.
     */
    @Override
    public List<InvalidFieldException> validate(SystemdSettings s) {
        List<InvalidFieldException> out = new ArrayList<>();
        if (!SystemdProvisioner.systemdRuns()) {
            out.add(new InvalidFieldException("", "systemd is not running on this machine (no "
                    + SystemdProvisioner.RUNNING_MARK + "): use the process or exec provisioner"));
        } else if (Programs.problem("systemd-run", null) != null) {
            out.add(new InvalidFieldException("", "systemd-run is not on the PATH"));
        }
        if (s.command().isEmpty()) {
            out.add(new InvalidFieldException("command", "a command is required: the program and its arguments "
                    + "as a list, like [/opt/app/bin/app, --port, \"{port}\"]"));
        } else if (!s.command().getFirst().startsWith("/")) {
            out.add(new InvalidFieldException("command[0]", "systemd runs a program by its absolute path (got '"
                    + s.command().getFirst() + "')"));
        }
        for (int i = 0; i < s.command().size(); i++) {
            SettingChecks.placeholders("command[" + i + "]", s.command().get(i), out);
        }
        for (Map.Entry<String, String> e : s.environment().entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().contains(" ")) {
                out.add(new InvalidFieldException("environment", "not a variable name: '" + e.getKey() + "'"));
            }
            if (e.getValue() != null && e.getValue().contains(" ")) {
                // systemctl show writes the environment space-separated; a space would split the value.
                out.add(new InvalidFieldException("environment." + e.getKey(), "a value with a space cannot be set on a unit"));
            }
            SettingChecks.placeholders("environment." + e.getKey(), e.getValue() == null ? "" : e.getValue(), out);
        }
        for (int i = 0; i < s.properties().size(); i++) {
            String p = s.properties().get(i);
            if (p.indexOf('=') < 1) {
                out.add(new InvalidFieldException("properties[" + i + "]", "expected Name=value, like MemoryMax=512M (got '"
                        + p + "')"));
            }
        }
        SettingChecks.memberAddress(s.address(), s.ports(), out);
        if (s.workingDirectory() != null && !s.workingDirectory().startsWith("/")) {
            out.add(new InvalidFieldException("workingDirectory", "an absolute path is required (got '"
                    + s.workingDirectory() + "')"));
        }
        SettingChecks.positive("stopGrace", s.stopGrace(), out);
        SettingChecks.positive("restartDelay", s.restartDelay(), out);
        return out;
    }

    @Override
    public Provisioner create(SystemdSettings settings) {
        return new SystemdProvisioner(settings);
    }
}
