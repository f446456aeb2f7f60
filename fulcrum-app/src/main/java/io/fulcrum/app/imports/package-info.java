/**
 * {@code fulcrum import}: converts an HAProxy or NGINX configuration to a Fulcrum one.
 *
 * <p>Each format has a hand-written parser that turns the text into {@link io.fulcrum.app.imports.Directive}s
 * (with the file and line of each), a model reader that picks out what it knows, and a mapper that writes
 * the Fulcrum configuration into a {@link io.fulcrum.app.imports.ConfigDraft}; {@link
 * io.fulcrum.app.imports.YamlWriter} prints the draft. Whatever is not converted is reported through
 * {@link io.fulcrum.app.imports.ImportWarnings}, one line per directive, never dropped silently.
 */
package io.fulcrum.app.imports;
