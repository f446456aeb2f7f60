/**
 * The built-in provisioners, registered by name in
 * {@code META-INF/services/io.fulcrum.core.provision.ProvisionerFactory}: {@code process}
 * (local processes from a command template, watched and restarted), {@code exec} (the
 * operator's programs, spoken to in JSON) and {@code systemd} (transient service units). The contract they follow
 * is {@link io.fulcrum.core.provision.Provisioner}'s; docs/autoscaling.md, "Provisioner SPI",
 * describes their settings.
 */
package io.fulcrum.scale.provision;
