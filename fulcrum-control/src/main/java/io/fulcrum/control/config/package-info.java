/**
 * Reading the YAML configuration file into the immutable records of
 * {@code io.fulcrum.core.config}, with errors that name the file, line, column and
 * field path of every problem.
 *
 * <p>Entry point: {@link io.fulcrum.control.config.ConfigLoader}. Semantic rules on
 * an already built configuration (for configurations that do not come from a file):
 * {@link io.fulcrum.control.config.ConfigValidator}. Duration and byte-size syntax:
 * {@link io.fulcrum.control.config.ConfigUnits}.
 */
package io.fulcrum.control.config;
