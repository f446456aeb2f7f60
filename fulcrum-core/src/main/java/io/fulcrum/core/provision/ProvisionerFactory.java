package io.fulcrum.core.provision;

import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionPoint;
import io.fulcrum.core.extension.ExtensionRegistry;

/**
 * A kind of provisioner, registered by name in
 * {@code META-INF/services/io.fulcrum.core.provision.ProvisionerFactory}: the built-in
 * {@code process}, {@code exec} and {@code systemd} ({@code fulcrum-scale}), or one in any
 * jar on the class path. Its settings are written under its name
 * ({@code provisioner: {process: {command: [...]}}}) and checked by {@link #validate} when the
 * configuration is loaded.
 *
 * @param <S> its settings (a command template, scripts, a unit's properties...)
 */
@ExtensionPoint("provisioner")
public interface ProvisionerFactory<S extends Record> extends ExtensionFactory<S> {

    /**
     * A provisioner with settings that passed {@link #validate}. Creating one starts nothing:
     * members start only through {@link Provisioner#start}.
     */
    Provisioner create(S settings);

    /** The registry of provisioners, the one owner of their names. */
    static ExtensionRegistry<ProvisionerFactory<?>> registry() {
        return ExtensionRegistry.of(ProvisionerFactory.class);
    }
}
