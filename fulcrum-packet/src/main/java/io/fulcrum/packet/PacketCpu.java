package io.fulcrum.packet;

import io.fulcrum.packet.sys.Libc;

import java.io.IOException;

/**
 * Which CPU the packet threads run on, from {@code FULCRUM_PACKET_CPU}: a CPU number, or
 * {@code none} for no pinning. By default the highest-numbered CPU the process may use, so the
 * packet path does not wander between CPUs and share their caches with the proxy's event
 * loops; a process limited to one CPU is not pinned (there is nothing to keep apart).
 */
final class PacketCpu {

    /** The environment variable that chooses. */
    static final String VARIABLE = "FULCRUM_PACKET_CPU";

    private static final int DEFAULT = -1;
    private static final int NONE = -2;
    private final int cpu;

    private PacketCpu(int cpu) {
        this.cpu = cpu;
    }

    static PacketCpu byDefault() {
        return new PacketCpu(DEFAULT);
    }

    static PacketCpu cpu(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("CPU numbers start at 0, not " + n);
        }
        return new PacketCpu(n);
    }

    /** Reads {@value #VARIABLE}'s value (null or blank: the default). */
    static PacketCpu parse(String value) {
        if (value == null || value.isBlank()) {
            return byDefault();
        }
        String v = value.strip();
        if (v.equals("none")) {
            return new PacketCpu(NONE);
        }
        try {
            return cpu(Integer.parseInt(v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(VARIABLE + "=" + value + ": expected a CPU number (0, 1, ...) or none");
        }
    }

    /**
     * Pins the calling thread; returns the CPU, or -1 when it is left unpinned.
     *
     * @throws IOException a chosen CPU the process may not use (it does not exist, or a cgroup
     *                     or {@code taskset} excludes it)
     */
    int pinCallingThread() throws IOException {
        if (cpu == NONE) {
            return -1;
        }
        int[] allowed = Libc.allowedCpus();
        int target = cpu;
        if (cpu == DEFAULT) {
            if (allowed.length < 2) {
                return -1;
            }
            target = allowed[allowed.length - 1];
        } else if (java.util.Arrays.stream(allowed).noneMatch(c -> c == cpu)) {
            throw new IOException(VARIABLE + "=" + cpu + ": this process may not run on CPU " + cpu
                    + " (allowed: " + java.util.Arrays.toString(allowed) + ")");
        }
        Libc.pinTo(target);
        return target;
    }

    @Override
    public String toString() {
        return cpu == NONE ? "none" : cpu == DEFAULT ? "default" : Integer.toString(cpu);
    }
}
