/**
 * Provisioners: what starts, stops and replaces the machines or processes behind a
 * pool, registered by name ({@link io.fulcrum.core.provision.ProvisionerFactory}); the
 * contract every one follows is {@link io.fulcrum.core.provision.Provisioner}'s.
 *
 * <p>This package defines the kind and its SPI only, so that the configuration can name a
 * provisioner and check its settings; the built-in ones ({@code process}, {@code exec},
 * {@code systemd}) are in {@code fulcrum-scale}, package {@code io.fulcrum.scale.provision}
 * (docs/autoscaling.md, "Provisioner SPI").
 */
package io.fulcrum.core.provision;
