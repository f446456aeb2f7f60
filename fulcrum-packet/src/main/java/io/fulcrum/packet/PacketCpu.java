package io.fulcrum.packet;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.PacketCpuChoice;
import io.fulcrum.core.config.ServerSettings;
import io.fulcrum.nativeio.CpuList;
import io.fulcrum.nativeio.Libc;

import java.io.IOException;
import java.util.Arrays;

/**
 * Which CPU the packet threads run on: {@code server.packetCpu}, or when the file does not set
 * it {@code FULCRUM_PACKET_CPU} (see {@link PacketCpuChoice}). {@code auto}, the default, is the
 * highest-numbered CPU the process may use, so the packet path does not wander between CPUs and
 * the event loops can be kept off it; a process limited to one CPU is not pinned (there is
 * nothing to keep apart).
 */
final class PacketCpu {

    /** The field, as a configuration error names it. */
    static final String FIELD = "server.packetCpu";

    private final PacketCpuChoice choice;
    /** Where the choice came from, for messages: the field, or the variable and its value. */
    private final String source;
    /** The field to blame in a configuration error ({@code ""}: the variable, no field). */
    private final String field;

    private PacketCpu(PacketCpuChoice choice, String source, String field) {
        this.choice = choice;
        this.source = source;
        this.field = field;
    }

    /**
     * The choice of a node's settings.
     *
     * @param variable {@code FULCRUM_PACKET_CPU}'s value (null when unset), read when the file has no field
     * @throws InvalidFieldException a value that does not parse, naming the field ({@code ""} for the variable)
     */
    static PacketCpu of(ServerSettings server, String variable) {
        String fileValue = server.packetCpu();
        try {
            PacketCpuChoice c = PacketCpuChoice.of(fileValue, variable);
            return fileValue != null ? new PacketCpu(c, FIELD + ": " + fileValue, FIELD)
                    : new PacketCpu(c, PacketCpuChoice.VARIABLE + "=" + (variable == null ? "" : variable), "");
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(fileValue != null ? FIELD : "", e.getMessage(), e);
        }
    }

    /** The choice of a node's settings and its environment. */
    static PacketCpu of(ServerSettings server) {
        return of(server, System.getenv(PacketCpuChoice.VARIABLE));
    }

    static PacketCpu byDefault() {
        return new PacketCpu(PacketCpuChoice.parse("auto"), "auto", "");
    }

    static PacketCpu cpu(int n) {
        return new PacketCpu(new PacketCpuChoice(n), FIELD + ": " + n, FIELD);
    }

    /** The field a refusal names ({@code ""} when the variable chose). */
    String field() {
        return field;
    }

    /**
     * The CPU the packet threads go to, or -1 when they are left unpinned.
     *
     * @throws IOException a chosen CPU the process may not use (it does not exist, or a cgroup
     *                     or {@code taskset} excludes it); the message names where the choice came from
     */
    int target() throws IOException {
        if (choice.none() || (choice.auto() && !Libc.available())) {
            return -1;
        }
        int[] allowed = Libc.allowedCpus();
        if (choice.auto()) {
            return allowed.length < 2 ? -1 : allowed[allowed.length - 1];
        }
        String problem = problem(allowed);
        if (problem != null) {
            throw new IOException(source + ": " + problem);
        }
        return choice.cpu();
    }

    /**
     * Why the choice cannot be used here, as a configuration error names it (the field is
     * named apart, see {@link #field}; the variable is named in the text), or null when it can.
     */
    String refusal() {
        if (choice.none() || choice.auto()) {
            return null;
        }
        String problem;
        try {
            problem = Libc.available() ? problem(Libc.allowedCpus())
                    : "cannot pin a thread here: " + Libc.unavailableReason();
        } catch (IOException e) {
            problem = e.getMessage();
        }
        return problem == null ? null : field.isEmpty() ? source + ": " + problem : problem;
    }

    private String problem(int[] allowed) {
        int cpu = choice.cpu();
        if (Arrays.stream(allowed).anyMatch(c -> c == cpu)) {
            return null;
        }
        return "this process may not run on CPU " + cpu + " (allowed: " + CpuList.format(allowed) + ")";
    }

    /** Pins the calling thread; returns the CPU, or -1 when it is left unpinned (see {@link #target}). */
    int pinCallingThread() throws IOException {
        int target = target();
        if (target >= 0) {
            Libc.setAffinity(target);
        }
        return target;
    }

    @Override
    public String toString() {
        return source;
    }
}
