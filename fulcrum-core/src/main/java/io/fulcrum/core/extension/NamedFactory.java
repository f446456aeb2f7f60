package io.fulcrum.core.extension;

/**
 * The part every extension factory of every kind shares: the name it is configured by
 * and the type of its settings, fixed at construction. The built-in algorithms, check
 * types and policy steps extend it; an outside extension may, or implement the kind's
 * interface itself.
 *
 * @param <S> the settings record
 */
public abstract class NamedFactory<S extends Record> implements ExtensionFactory<S> {

    private final String name;
    private final Class<S> settingsType;

    protected NamedFactory(String name, Class<S> settingsType) {
        this.name = name;
        this.settingsType = settingsType;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Class<S> settingsType() {
        return settingsType;
    }
}
