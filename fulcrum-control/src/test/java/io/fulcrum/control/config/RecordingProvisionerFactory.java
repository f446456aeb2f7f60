package io.fulcrum.control.config;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.core.provision.ProvisionerFactory;

import java.util.List;

/**
 * A provisioner kind known only to this module's tests (registered from the test class path), so
 * that {@code autoscale.provisioner} is bound and validated through the registry as a real one is.
 * It is never created here.
 */
public final class RecordingProvisionerFactory implements ProvisionerFactory<RecordingProvisionerFactory.Settings> {

    /** @param command the command template; required */
    public record Settings(String command) {
    }

    @Override
    public String name() {
        return "test-process";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public List<InvalidFieldException> validate(Settings s) {
        return s.command() == null || s.command().isBlank()
                ? List.of(new InvalidFieldException("command", "required: the command that starts a member"))
                : List.of();
    }

    @Override
    public Provisioner create(Settings settings) {
        throw new UnsupportedOperationException("validation tests never create one");
    }
}
