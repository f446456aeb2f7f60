/**
 * Extensions registered by name: balancing algorithms, health-check types, GSLB
 * policy steps, configuration stores, provisioners.
 *
 * <p>Each kind of extension is an interface extending
 * {@link io.fulcrum.core.extension.ExtensionFactory} and marked with
 * {@link io.fulcrum.core.extension.ExtensionPoint}; one
 * {@link io.fulcrum.core.extension.ExtensionRegistry} per kind owns its names. A
 * factory carries its name, the record type of its settings (whose canonical
 * constructor holds their defaults), the validation of those settings and, in the
 * kind's interface, how the extension is created. Factories are found with
 * {@link java.util.ServiceLoader}: the built-in ones and any in another jar or a test
 * class path are listed in a {@code META-INF/services/<kind interface>} file, so adding
 * one edits no existing source file.
 *
 * <p>In the configuration an extension is an
 * {@link io.fulcrum.core.extension.ExtensionConfig}: written as its name alone
 * ({@code algorithm: maglev}) or as a mapping of the name to its settings
 * ({@code algorithm: {maglev: {tableSize: 65537}}}). See docs/design/extensions.md.
 */
package io.fulcrum.core.extension;
