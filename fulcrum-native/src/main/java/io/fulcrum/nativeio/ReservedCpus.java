package io.fulcrum.nativeio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ThreadFactory;

/**
 * The CPU a node keeps for its packet path, and how the other busy threads are kept off it: the
 * threads a factory from {@link #apart} makes (Netty event loops, the DNS server's batch UDP
 * threads) set their own affinity, as they start, to the CPUs the process may use less the
 * reserved one. Nothing is reserved by default; a node reserves the CPU before it makes its
 * event loops, and only when it runs a packet-mode service. Affinity is the process's business,
 * so the reservation is too: one per process.
 */
public final class ReservedCpus {

    private static final Logger LOG = LoggerFactory.getLogger(ReservedCpus.class);
    private static volatile int reserved = -1;

    private ReservedCpus() {
    }

    /** Keeps {@code cpu} for the packet path from now on; -1 reserves none. */
    public static void reserve(int cpu) {
        if (cpu < -1 || cpu >= Libc.MAX_CPUS) {
            throw new IllegalArgumentException("no CPU " + cpu);
        }
        reserved = cpu;
    }

    /** The reserved CPU, or -1. */
    public static int reserved() {
        return reserved;
    }

    /**
     * Where the other threads may run: {@code allowed} less {@code reserved}; all of
     * {@code allowed} when nothing is reserved, the reserved CPU is not among them, or it is the
     * only one (a thread must run somewhere).
     */
    public static int[] apartFrom(int[] allowed, int reserved) {
        int[] rest = CpuList.without(allowed, reserved);
        return rest.length == 0 ? allowed : rest;
    }

    /** A factory whose threads keep off the reserved CPU (see {@link #keepCallingThreadApart}). */
    public static ThreadFactory apart(ThreadFactory factory) {
        return r -> factory.newThread(() -> {
            keepCallingThreadApart();
            r.run();
        });
    }

    /**
     * Moves the calling thread off the reserved CPU, if one is reserved and the thread may run
     * elsewhere. A failure is logged: the thread runs on, only not kept apart.
     */
    public static void keepCallingThreadApart() {
        int cpu = reserved;
        if (cpu < 0 || !Libc.available()) {
            return;
        }
        try {
            int[] allowed = Libc.allowedCpus();
            int[] rest = apartFrom(allowed, cpu);
            if (rest.length < allowed.length) {
                Libc.setAffinity(rest);
            }
        } catch (IOException e) {
            LOG.warn("{} could not keep off CPU {}: {}", Thread.currentThread().getName(), cpu, e.getMessage());
        }
    }
}
