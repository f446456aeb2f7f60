/**
 * Provisioners: what starts, stops and replaces the machines or processes behind a
 * pool, registered by name ({@link io.fulcrum.core.provision.ProvisionerFactory}).
 *
 * <p>This package defines the kind and its SPI only; Fulcrum ships no provisioner yet
 * (the {@code process}, {@code exec} and {@code systemd} provisioners come with the
 * autoscaling work, docs/design/extensions.md), and nothing calls one yet.
 */
package io.fulcrum.core.provision;
