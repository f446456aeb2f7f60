package io.fulcrum.dns.zone;

import io.fulcrum.dns.wire.NameHash;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable open-addressing table from lower-case wire-form names to values, looked up
 * with a name still in the query's scratch buffer (no key object is made).
 *
 * @param <T> the value type
 */
public final class NameTable<T> {

    private final byte[][] keys;
    private final Object[] values;
    private final int mask;

    /** Builds a table of these names and values (same order). */
    public NameTable(List<byte[]> names, List<T> vals) {
        int cap = Integer.highestOneBit(Math.max(4, names.size() * 2 + 1)) << 1;
        keys = new byte[cap][];
        values = new Object[cap];
        mask = cap - 1;
        for (int i = 0; i < names.size(); i++) {
            byte[] k = names.get(i);
            int slot = NameHash.of(k, 0, k.length) & mask;
            while (keys[slot] != null) {
                if (Arrays.equals(keys[slot], k)) {
                    throw new IllegalArgumentException("duplicate name in table");
                }
                slot = (slot + 1) & mask;
            }
            keys[slot] = k;
            values[slot] = vals.get(i);
        }
    }

    /** Every value in the table, in no particular order. */
    @SuppressWarnings("unchecked")
    public List<T> values() {
        List<T> out = new java.util.ArrayList<>();
        for (Object v : values) {
            if (v != null) {
                out.add((T) v);
            }
        }
        return out;
    }

    /** The value for {@code length} bytes of {@code name} from {@code offset}, whose hash is {@code hash}. */
    @SuppressWarnings("unchecked")
    public T get(byte[] name, int offset, int length, int hash) {
        int slot = hash & mask;
        while (true) {
            byte[] k = keys[slot];
            if (k == null) {
                return null;
            }
            if (k.length == length && Arrays.equals(k, 0, length, name, offset, offset + length)) {
                return (T) values[slot];
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Lookup computing the hash. */
    public T get(byte[] name, int offset, int length) {
        return get(name, offset, length, NameHash.of(name, offset, length));
    }
}
