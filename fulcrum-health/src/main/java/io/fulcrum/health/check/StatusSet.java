package io.fulcrum.health.check;

import java.util.ArrayList;
import java.util.List;

/** Accepted HTTP statuses, parsed from {@code 200}, {@code 200-399} or {@code 200,204,301-302}. */
public final class StatusSet {

    private final List<int[]> ranges;
    private final String text;

    private StatusSet(List<int[]> ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    public static StatusSet parse(String text) {
        List<int[]> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] ends = part.trim().split("-");
            int lo = Integer.parseInt(ends[0].trim());
            int hi = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : lo;
            ranges.add(new int[]{lo, hi});
        }
        return new StatusSet(List.copyOf(ranges), text);
    }

    public boolean contains(int status) {
        for (int[] r : ranges) {
            if (status >= r[0] && status <= r[1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
