/**
 * The configuration model: immutable records that a loader fills from YAML and the
 * runtime compiles into live state. Records apply their own defaults so that code
 * (and tests) can build them with only the fields that matter; a {@code null}
 * argument always means "use the default".
 */
package io.fulcrum.core.config;
