package io.fulcrum.core.extension;

/**
 * The choice of one extension in the configuration: its name and its settings.
 *
 * <p>Written either as the name alone ({@code algorithm: maglev}, every setting at its
 * default) or as a mapping of the name to the settings
 * ({@code algorithm: {maglev: {tableSize: 65537}}}). The configuration binder finds
 * the settings type from the registry of the kind {@code F}; validation and creation
 * go through that registry too.
 *
 * @param name     the extension's name in its kind
 * @param settings its settings (of the factory's {@link ExtensionFactory#settingsType()});
 *                 {@code null} for the defaults (the configuration binder keeps settings equal to the
 *                 defaults as {@code null}, so that two ways of writing the same choice compare equal)
 * @param <F>      the kind, i.e. the factory interface its registry holds
 */
public record ExtensionConfig<F extends ExtensionFactory<?>>(String name, Record settings) {

    /** The named extension with its default settings. */
    public static <F extends ExtensionFactory<?>> ExtensionConfig<F> of(String name) {
        return new ExtensionConfig<>(name, null);
    }

    @Override
    public String toString() {
        return settings == null ? name : name + " " + settings;
    }
}
