package io.fulcrum.core.extension;

import io.fulcrum.core.config.InvalidFieldException;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * One extension of some kind, known by its name: its typed settings, their validation
 * and (in the kind's sub-interface, e.g. {@code BalancerFactory}) how it is created.
 *
 * <p>Implementations are stateless, have a public no-argument constructor and are
 * listed in {@code META-INF/services/<kind interface>} so that the kind's
 * {@link ExtensionRegistry} finds them.
 *
 * @param <S> the settings record; the configuration binds it from the mapping written
 *            under the extension's name, and its canonical constructor replaces every
 *            {@code null} (a setting not written) by its default, the only place that
 *            default is defined
 */
public interface ExtensionFactory<S extends Record> {

    /** The name it is configured by, unique within its kind, e.g. {@code maglev}. */
    String name();

    /** The type of its settings; a record with no components when it has none. */
    Class<S> settingsType();

    /**
     * The problems of these settings, each naming its field relative to the settings
     * (e.g. {@code tableSize}, {@code hashKey.name}); empty when they are usable.
     * Whatever passes here must not make creation fail.
     */
    default List<InvalidFieldException> validate(S settings) {
        return List.of();
    }

    /** The settings when none are written: every component at its default. */
    default S defaultSettings() {
        Class<S> type = settingsType();
        Class<?>[] components = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        try {
            Constructor<S> canonical = type.getDeclaredConstructor(components);
            canonical.setAccessible(true);
            return canonical.newInstance(new Object[components.length]);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build the default settings of " + name(), e);
        }
    }

    /**
     * Settings as held by an {@link ExtensionConfig}, typed: {@code null} gives the
     * defaults.
     *
     * @throws IllegalArgumentException when they are another extension's settings
     */
    default S settings(Record settings) {
        if (settings == null) {
            return defaultSettings();
        }
        if (!settingsType().isInstance(settings)) {
            throw new IllegalArgumentException(name() + " takes " + settingsType().getSimpleName() + ", not "
                    + settings.getClass().getSimpleName());
        }
        return settingsType().cast(settings);
    }
}
