package io.fulcrum.core.config;

/**
 * What {@code server.packetCpu} (or, when the file has no such field, the variable
 * {@code FULCRUM_PACKET_CPU}) asks for: {@code auto}, {@code none} or one CPU number. Only the
 * syntax is checked here; whether this process may run on the CPU is known where it runs.
 *
 * @param cpu the CPU asked for; {@link #AUTO} or {@link #NONE} for the two words
 */
public record PacketCpuChoice(int cpu) {

    /** The environment variable read when the file does not set {@code server.packetCpu}. */
    public static final String VARIABLE = "FULCRUM_PACKET_CPU";
    /** The highest CPU number accepted (the kernel's default {@code CONFIG_NR_CPUS} limit less one). */
    public static final int MAX_CPU = 1023;
    /** The highest-numbered CPU the process may use, when it may use two or more; else none. */
    public static final int AUTO = -1;
    /** Not pinned. */
    public static final int NONE = -2;

    public PacketCpuChoice {
        if (cpu < NONE || cpu > MAX_CPU) {
            throw new IllegalArgumentException("no CPU " + cpu);
        }
    }

    /**
     * Reads a value: {@code auto}, {@code none} or a CPU number 0..{@value #MAX_CPU}.
     *
     * @throws IllegalArgumentException anything else (an empty value too), with a message that
     *                                  says what is accepted
     */
    public static PacketCpuChoice parse(String value) {
        String v = value == null ? "" : value.strip();
        if (v.equals("auto")) {
            return new PacketCpuChoice(AUTO);
        }
        if (v.equals("none")) {
            return new PacketCpuChoice(NONE);
        }
        int n = -1;
        if (!v.isEmpty() && v.length() <= 4 && v.chars().allMatch(Character::isDigit)) {
            n = Integer.parseInt(v);
        }
        if (n < 0 || n > MAX_CPU) {
            throw new IllegalArgumentException("must be auto, none or a CPU number 0.." + MAX_CPU + " (got \"" + value
                    + "\")");
        }
        return new PacketCpuChoice(n);
    }

    /**
     * The choice of a node: the file's value when it has one, else {@code FULCRUM_PACKET_CPU}'s.
     *
     * @param fileValue {@code server.packetCpu}, null when absent
     * @param variable  the variable's value, null (or empty) when unset
     * @throws IllegalArgumentException a value that does not parse; the message names where it came from
     */
    public static PacketCpuChoice of(String fileValue, String variable) {
        if (fileValue != null) {
            return parse(fileValue);
        }
        if (variable == null || variable.isBlank()) {
            return new PacketCpuChoice(AUTO);
        }
        try {
            return parse(variable);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(VARIABLE + ": " + e.getMessage(), e);
        }
    }

    /** Whether the threads are left where the scheduler puts them. */
    public boolean none() {
        return cpu == NONE;
    }

    /** Whether the CPU is chosen from those the process may use. */
    public boolean auto() {
        return cpu == AUTO;
    }

    @Override
    public String toString() {
        return cpu == NONE ? "none" : cpu == AUTO ? "auto" : Integer.toString(cpu);
    }
}
