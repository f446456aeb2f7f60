package io.fulcrum.nativeio;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * CPU lists as the kernel writes them ({@code Cpus_allowed_list} in {@code /proc/PID/status},
 * {@code taskset -c}): numbers and ranges separated by commas, e.g. {@code 0-3,5}.
 */
public final class CpuList {

    private CpuList() {
    }

    /**
     * The CPUs of a list, lowest first, each once; an empty or blank list is none.
     *
     * @throws IllegalArgumentException anything that is not such a list
     */
    public static int[] parse(String list) {
        String s = list == null ? "" : list.strip();
        if (s.isEmpty()) {
            return new int[0];
        }
        IntStream.Builder out = IntStream.builder();
        for (String part : s.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-');
            try {
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
                if (from < 0 || to < from) {
                    throw new NumberFormatException();
                }
                for (int c = from; c <= to; c++) {
                    out.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CPU list: \"" + list + "\" (at \"" + p + "\")");
            }
        }
        return out.build().sorted().distinct().toArray();
    }

    /** The shortest list of these CPUs, e.g. {@code 0-3,5}; {@code ""} for none. */
    public static String format(int... cpus) {
        int[] c = Arrays.stream(cpus).sorted().distinct().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            int j = i;
            while (j + 1 < c.length && c[j + 1] == c[j] + 1) {
                j++;
            }
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(c[i]);
            if (j > i) {
                b.append('-').append(c[j]);
            }
            i = j;
        }
        return b.toString();
    }

    /** {@code cpus} without {@code cpu} (the same CPUs when it is not among them). */
    public static int[] without(int[] cpus, int cpu) {
        return Arrays.stream(cpus).filter(c -> c != cpu).toArray();
    }
}
