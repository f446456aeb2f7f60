package io.fulcrum.admin.state;

import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * Copies a configuration record with some components replaced. By name and by
 * reflection on purpose: the configuration records grow new components as Fulcrum
 * grows, and a copy must carry every one of them, including those added later.
 */
final class Records {

    private Records() {
    }

    /** {@code record} with the named components replaced by the given values. */
    static <R extends Record> R with(R record, Map<String, Object> replacements) {
        @SuppressWarnings("unchecked")
        Class<R> type = (Class<R>) record.getClass();
        RecordComponent[] comps = type.getRecordComponents();
        Object[] args = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        try {
            for (int i = 0; i < comps.length; i++) {
                types[i] = comps[i].getType();
                String name = comps[i].getName();
                args[i] = replacements.containsKey(name) ? replacements.get(name) : comps[i].getAccessor().invoke(record);
            }
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot copy " + type.getSimpleName(), e);
        }
    }

    /** {@code record} with one component replaced. */
    static <R extends Record> R with(R record, String name, Object value) {
        return with(record, Map.of(name, value));
    }
}
