package io.fulcrum.scale.provision;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.provision.Provisioner;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code process} provisioner: every member is a local process of the node, started from
 * the command template on a port of its own, watched and restarted when it exits
 * ({@link MemberProcess}).
 *
 * <p>A member started by generation {@code g} of pool {@code p} is named {@code p-g}; that name
 * is the key of every action, so a start repeated with the same generation finds the member it
 * started (or is starting: the second call waits for the first) and starts nothing, and a
 * replacement repeated with the same generation finds its new member. The provisioner remembers
 * its members for its lifetime; {@link #close} stops every one it still runs, since local
 * processes do not outlive the node that watches them.
 */
final class ProcessProvisioner implements Provisioner {

    /** The label every member carries with its pool's name. */
    static final String POOL_LABEL = "fulcrum.process/pool";

    /** One member name's place: the lock its actions take, and the member once there is one. */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile MemberProcess member;
        /** The failure of the last start, told again to a repeat of it. */
        String failure;
    }

    /** The ports held by the members of every provisioner of this node, so two pools never share one. */
    private static final PortReservations PORTS = PortReservations.NODE;

    private final ProcessSettings settings;
    private final InetAddress address;
    private final PortRange ports;
    private final AtomicInteger portCursor;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile Listener listener = e -> { };
    private volatile boolean closed;

    ProcessProvisioner(ProcessSettings settings) {
        this.settings = settings;
        this.address = InetAddress.ofLiteral(settings.address());
        this.ports = PortRange.parse(settings.ports());
        this.portCursor = new AtomicInteger(ThreadLocalRandom.current().nextInt(ports.size()));
    }

    @Override
    public Result start(String pool, long generation, Instant deadline) {
        return startNamed(pool, pool + "-" + generation, generation, deadline);
    }

    @Override
    public Result stop(Member member, long generation, Instant deadline) {
        Slot slot = slots.get(member.name());
        if (slot == null) {
            return Result.stopped(member.name() + " is not one of this provisioner's processes: nothing to stop");
        }
        if (!lock(slot, deadline)) {
            return Result.failed("another action on " + member.name() + " did not end by the deadline");
        }
        try {
            if (slot.member == null) {
                return Result.stopped(member.name() + " never ran");
            }
            Result r = slot.member.stop(deadline);
            if (r.ok()) {
                PORTS.release(address, slot.member.port());
            }
            return r;
        } finally {
            slot.lock.unlock();
        }
    }

    @Override
    public Result replace(Member member, long generation, Instant deadline) {
        Slot old = slots.get(member.name());
        String pool = old != null && old.member != null ? old.member.pool() : member.labels().get(POOL_LABEL);
        if (pool == null) {
            return Result.failed(member.name() + " is not one of this provisioner's processes, and has no "
                    + POOL_LABEL + " label to say which pool its replacement is for");
        }
        String name = pool + "-" + generation;
        if (name.equals(member.name())) {
            return Result.failed(member.name() + " was started by generation " + generation
                    + "; a replacement needs a generation of its own");
        }
        Slot slot = slots.get(name);
        if (slot != null && slot.member != null) {
            // A repeat: its first call stopped the old member already.
            return startNamed(pool, name, generation, deadline);
        }
        Result stopped = stop(member, generation, deadline);
        if (!stopped.ok()) {
            return Result.failed("cannot replace " + member.name() + ": " + stopped.detail());
        }
        Result started = startNamed(pool, name, generation, deadline);
        return started.ok() ? Result.started(started.member(), "replaced " + member.name() + " (" + stopped.detail()
                + "); " + started.detail()) : started;
    }

    @Override
    public Listing list(String pool, Instant deadline) {
        List<Member> out = new ArrayList<>();
        for (Slot slot : slots.values()) {
            MemberProcess m = slot.member;
            if (m != null && m.pool().equals(pool) && m.runs()) {
                out.add(m.member());
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return Listing.of(out);
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener == null ? e -> { } : listener;
    }

    /** Stops every member it runs, in parallel, each with its {@code stopGrace}. */
    @Override
    public void close() {
        closed = true;
        Instant deadline = Instant.now().plus(settings.stopGrace()).plusSeconds(5);
        List<Thread> stopping = new ArrayList<>();
        for (Slot slot : slots.values()) {
            MemberProcess m = slot.member;
            if (m != null && m.state() != MemberProcess.State.STOPPED) {
                stopping.add(Thread.ofVirtual().name("fulcrum-process-stop-" + m.member().name()).start(() -> {
                    if (m.stop(deadline).ok()) {
                        PORTS.release(address, m.port());
                    }
                }));
            }
        }
        for (Thread t : stopping) {
            try {
                t.join(Duration.between(Instant.now(), deadline).plusSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The pid of the member's process now, or -1 (for tests and the detail of events). */
    long pid(String name) {
        Slot slot = slots.get(name);
        return slot == null || slot.member == null ? -1 : slot.member.pid();
    }

    private Result startNamed(String pool, String name, long generation, Instant deadline) {
        if (closed) {
            return Result.failed("the process provisioner is closed");
        }
        Slot slot = slots.computeIfAbsent(name, n -> new Slot());
        if (!lock(slot, deadline)) {
            return Result.failed("generation " + generation + " of " + pool + " is still being started by another call");
        }
        try {
            if (slot.member != null) {
                return repeated(slot, generation);
            }
            int port = PORTS.reserve(address, ports, portCursor);
            if (port < 0) {
                return Result.failed("no free port in " + ports + " on " + settings.address());
            }
            slot.member = memberProcess(pool, name, generation, port);
            Result r = slot.member.start(deadline);
            if (!r.ok()) {
                slot.failure = r.detail();
                PORTS.release(address, port);
            }
            return r;
        } finally {
            slot.lock.unlock();
        }
    }

    private static Result repeated(Slot slot, long generation) {
        MemberProcess m = slot.member;
        return switch (m.state()) {
            case RUNNING, RESTARTING -> Result.started(m.member(), "generation " + generation + " already started "
                    + m.member().name() + " (" + m.state().name().toLowerCase() + ")");
            case STOPPED -> Result.failed(slot.failure != null
                    ? "generation " + generation + " already failed to start " + m.member().name() + ": " + slot.failure
                    : "generation " + generation + " already started " + m.member().name() + ", which has been stopped since");
            case GAVE_UP -> Result.failed("generation " + generation + " already started " + m.member().name()
                    + ", which exited too often and is left down");
            case STARTING -> Result.failed(m.member().name() + " is still starting");
        };
    }

    private MemberProcess memberProcess(String pool, String name, long generation, int port) {
        String host = address.getHostAddress();
        Member member = new Member(name, HostPort.of(host, port).toString(), Map.of(POOL_LABEL, pool));
        Map<String, String> values = Map.of("port", Integer.toString(port), "name", name, "address", host,
                "pool", pool, "generation", Long.toString(generation));
        Map<String, String> env = new HashMap<>();
        env.put("FULCRUM_MEMBER_NAME", name);
        env.put("FULCRUM_MEMBER_PORT", Integer.toString(port));
        env.put("FULCRUM_MEMBER_ADDRESS", host);
        env.put("FULCRUM_POOL", pool);
        settings.environment().forEach((k, v) -> env.put(k, CommandTemplate.expand(v, values)));
        return new MemberProcess(pool, member, port, CommandTemplate.expand(settings.argvTemplate(), values), env,
                settings, e -> listener.event(e));
    }

    private static boolean lock(Slot slot, Instant deadline) {
        try {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            return slot.lock.tryLock(Math.max(0, left), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
