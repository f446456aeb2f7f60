/**
 * Hitless reload: {@link io.fulcrum.control.reload.ConfigReloader} turns a changed file
 * into a validated and compiled ({@link io.fulcrum.control.reload.CompileCheck}) configuration
 * handed to a {@link io.fulcrum.control.reload.ConfigApplier} (or refuses it, keeping the running one), and {@link io.fulcrum.control.reload.ConfigFileWatcher}
 * notices when the file changes. Signals and commands that trigger a reload live in the
 * application module.
 */
package io.fulcrum.control.reload;
