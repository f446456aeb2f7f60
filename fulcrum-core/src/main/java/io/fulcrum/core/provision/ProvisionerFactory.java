package io.fulcrum.core.provision;

import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionPoint;
import io.fulcrum.core.extension.ExtensionRegistry;

/**
 * A kind of provisioner, registered by name in
 * {@code META-INF/services/io.fulcrum.core.provision.ProvisionerFactory}.
 *
 * @param <S> its settings (a command template, a script, a unit name...)
 */
@ExtensionPoint("provisioner")
public interface ProvisionerFactory<S extends Record> extends ExtensionFactory<S> {

    /** A provisioner with settings that passed {@link #validate}. */
    Provisioner create(S settings);

    /** The registry of provisioners, the one owner of their names. */
    static ExtensionRegistry<ProvisionerFactory<?>> registry() {
        return ExtensionRegistry.of(ProvisionerFactory.class);
    }
}
