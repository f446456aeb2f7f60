/**
 * Builders of configuration records for tests that write a configuration as Java: one
 * builder per record, each calling the record's one constructor in one place, every field not
 * given left at the record's default. Tests that read better as YAML load it through the real
 * loader instead ({@link io.fulcrum.testsupport.ConfigYaml} has the common sections).
 */
package io.fulcrum.testsupport.config;
