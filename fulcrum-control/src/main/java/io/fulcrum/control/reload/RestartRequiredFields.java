package io.fulcrum.control.reload;

import io.fulcrum.core.config.RestartRequired;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;

/**
 * The configuration a running process actually has: the new one, except that every
 * field marked {@link RestartRequired} keeps the value the process started with (it
 * was read once, at start, and a reload cannot change it).
 */
public final class RestartRequiredFields {

    private RestartRequiredFields() {
    }

    /**
     * {@code next} with each {@link RestartRequired} field, at any depth of nested records,
     * taken from {@code running}. Lists are not descended into (no list element has such a field).
     */
    public static <T> T keep(T running, T next) {
        if (running == null || next == null || !next.getClass().isRecord() || running.getClass() != next.getClass()
                || running.equals(next)) {
            return next;
        }
        RecordComponent[] components = next.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean changed = false;
        for (int i = 0; i < components.length; i++) {
            RecordComponent rc = components[i];
            types[i] = rc.getType();
            Object was = read(rc, running);
            Object now = read(rc, next);
            values[i] = rc.isAnnotationPresent(RestartRequired.class) ? was : keep(was, now);
            changed |= values[i] != now;
        }
        if (!changed) {
            return next;
        }
        try {
            Constructor<?> canonical = next.getClass().getDeclaredConstructor(types);
            @SuppressWarnings("unchecked")
            T rebuilt = (T) canonical.newInstance(values);
            return rebuilt;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild " + next.getClass().getSimpleName() + ": " + e, e);
        }
    }

    private static Object read(RecordComponent rc, Object record) {
        try {
            return rc.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + rc.getName() + ": " + e, e);
        }
    }
}
