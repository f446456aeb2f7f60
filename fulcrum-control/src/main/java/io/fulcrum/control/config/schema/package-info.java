/**
 * The JSON Schema (draft 2020-12) of the configuration file, generated from the
 * configuration records ({@link io.fulcrum.control.config.schema.ConfigSchema}).
 */
package io.fulcrum.control.config.schema;
