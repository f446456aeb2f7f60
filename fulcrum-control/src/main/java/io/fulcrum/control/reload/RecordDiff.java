package io.fulcrum.control.reload;

import io.fulcrum.control.config.ConfigUnits;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.RestartRequired;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two configuration values of the same type field by field, reading the
 * fields from the record components (so a field added to a record later is compared
 * without anyone having to remember it), and writes one line per difference.
 *
 * <p>Lists of records that have a {@code name} (or a {@code key()}, like an L4 listener's
 * {@code tcp/443}) are matched by it: {@code pools added [b]}, then {@code pools[a].retries
 * changed} for the ones in both. Lists of plain values report the values added and
 * removed. Numbers, booleans and durations print both values; text is not printed (it
 * may be a secret), only named as changed. A field marked {@link RestartRequired} that
 * differs goes to the restart list instead, not descended into.
 */
final class RecordDiff {

    private final List<String> changes = new ArrayList<>();
    private final List<String> restartRequired = new ArrayList<>();

    /** The differences between {@code before} and {@code after}, paths starting with {@code path}. */
    static RecordDiff of(String path, Object before, Object after) {
        RecordDiff d = new RecordDiff();
        d.walk(path, before, after, false);
        return d;
    }

    /** One line per live difference, such as {@code pools[app].protocol changed}. */
    List<String> changes() {
        return changes;
    }

    /** The paths of the differing fields that only a restart applies, such as {@code server.transport}. */
    List<String> restartRequired() {
        return restartRequired;
    }

    private void walk(String path, Object before, Object after, boolean restartOnly) {
        if (Objects.equals(before, after)) {
            return;
        }
        if (restartOnly) {
            restartRequired.add(path);
        } else if (before != null && after != null && before.getClass().isRecord() && !(before instanceof HostPort)
                && before.getClass() == after.getClass()) {
            for (RecordComponent rc : before.getClass().getRecordComponents()) {
                walk(path + "." + rc.getName(), read(rc.getAccessor(), before), read(rc.getAccessor(), after),
                        rc.isAnnotationPresent(RestartRequired.class));
            }
        } else if (before instanceof List<?> a && after instanceof List<?> b) {
            Map<String, Object> keyedA = keyed(a);
            Map<String, Object> keyedB = keyed(b);
            if (keyedA != null && keyedB != null) {
                walkKeyed(path, keyedA, keyedB);
            } else if (plain(a) && plain(b)) {
                walkValues(path, a, b);
            } else {
                changes.add(path + " changed");
            }
        } else if (before == null) {
            changes.add(path + " set");
        } else if (after == null) {
            changes.add(path + " removed");
        } else if (printable(before) && printable(after)) {
            changes.add(path + " " + format(before) + "->" + format(after));
        } else {
            changes.add(path + " changed");
        }
    }

    private void walkKeyed(String path, Map<String, Object> before, Map<String, Object> after) {
        List<String> added = new ArrayList<>(after.keySet());
        added.removeAll(before.keySet());
        List<String> removed = new ArrayList<>(before.keySet());
        removed.removeAll(after.keySet());
        if (!added.isEmpty()) {
            changes.add(path + " added " + added);
        }
        if (!removed.isEmpty()) {
            changes.add(path + " removed " + removed);
        }
        for (var e : after.entrySet()) {
            Object old = before.get(e.getKey());
            if (old != null) {
                walk(path + "[" + e.getKey() + "]", old, e.getValue(), false);
            }
        }
        if (added.isEmpty() && removed.isEmpty() && !List.copyOf(before.keySet()).equals(List.copyOf(after.keySet()))
                && sameValues(before, after)) {
            changes.add(path + " reordered");
        }
    }

    private static boolean sameValues(Map<String, Object> before, Map<String, Object> after) {
        for (var e : after.entrySet()) {
            if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private void walkValues(String path, List<?> before, List<?> after) {
        Set<Object> added = new LinkedHashSet<>(after);
        added.removeAll(new HashSet<>(before));
        Set<Object> removed = new LinkedHashSet<>(before);
        removed.removeAll(new HashSet<>(after));
        boolean showValues = before.stream().allMatch(RecordDiff::printableInList)
                && after.stream().allMatch(RecordDiff::printableInList);
        if (!showValues) {
            changes.add(path + " changed");
            return;
        }
        if (!added.isEmpty()) {
            changes.add(path + " added " + added);
        }
        if (!removed.isEmpty()) {
            changes.add(path + " removed " + removed);
        }
        if (added.isEmpty() && removed.isEmpty()) {
            changes.add(path + " reordered");
        }
    }

    /** The list's elements by name or key, or {@code null} when they have none or it repeats. */
    private static Map<String, Object> keyed(List<?> list) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Object o : list) {
            String key = o == null ? null : key(o);
            if (key == null || m.put(key, o) != null) {
                return null;
            }
        }
        return m;
    }

    private static String key(Object o) {
        if (!o.getClass().isRecord()) {
            return null;
        }
        for (RecordComponent rc : o.getClass().getRecordComponents()) {
            if (rc.getName().equals("name") && rc.getType() == String.class) {
                return (String) read(rc.getAccessor(), o);
            }
        }
        try {
            Method m = o.getClass().getMethod("key");
            return m.getReturnType() == String.class ? (String) m.invoke(o) : null;
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }

    private static boolean plain(List<?> list) {
        return list.stream().allMatch(o -> o == null || o instanceof HostPort || !o.getClass().isRecord());
    }

    private static boolean printable(Object o) {
        // An address is a value (host:port), not a record to walk field by field.
        return o instanceof Number || o instanceof Boolean || o instanceof Duration || o instanceof Enum<?>
                || o instanceof HostPort;
    }

    private static String format(Object o) {
        return o instanceof Duration d ? ConfigUnits.formatDuration(d) : String.valueOf(o);
    }

    /** Values in a list (VIPs, listen addresses, weights) are named: they say what was added or removed. */
    private static boolean printableInList(Object o) {
        return printable(o) || o instanceof String;
    }

    private static Object read(Method accessor, Object record) {
        try {
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + accessor + ": " + e, e);
        }
    }
}
