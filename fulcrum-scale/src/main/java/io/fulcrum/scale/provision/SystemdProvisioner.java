package io.fulcrum.scale.provision;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.provision.Provisioner;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The {@code systemd} provisioner: every member is a transient service unit,
 * {@code fulcrum-<pool>-<generation>.service}, started with {@code systemd-run}, stopped with
 * {@code systemctl stop} and found with {@code systemctl list-units 'fulcrum-<pool>-*'}.
 *
 * <p>systemd does the watching: the unit restarts its process when it fails
 * ({@code Restart=on-failure}) and ends it with SIGTERM, then SIGKILL after
 * {@code TimeoutStopSec}. The member's port, address, name and pool are in the unit's
 * environment ({@code FULCRUM_MEMBER_PORT}...), so a node that restarts finds its members in
 * systemd; the unit name is the generation's, so a start repeated with the same generation finds
 * the unit running and starts nothing.
 */
final class SystemdProvisioner implements Provisioner {

    /**
     * The label with the member's pool put on every unit's member, so that {@code stop} and
     * {@code replace}, which are handed the member alone, know its pool.
     */
    static final String POOL_LABEL = "fulcrum.systemd/pool";

    /** Present exactly when systemd is the running init system (sd_booted(3)). */
    static final Path RUNNING_MARK = Path.of("/run/systemd/system");

    private static final Duration STATE_POLL = Duration.ofSeconds(1);

    private final SystemdSettings settings;
    private final InetAddress address;
    private final PortRange ports;
    private final AtomicInteger portCursor;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    SystemdProvisioner(SystemdSettings settings) {
        this.settings = settings;
        this.address = InetAddress.ofLiteral(settings.address());
        this.ports = PortRange.parse(settings.ports());
        this.portCursor = new AtomicInteger(ThreadLocalRandom.current().nextInt(ports.size()));
    }

    /** Whether systemd runs on this machine. */
    static boolean systemdRuns() {
        return Files.isDirectory(RUNNING_MARK);
    }

    /** The unit of a member: {@code fulcrum-<name>.service}, with what systemd does not allow in a name escaped. */
    static String unitName(String memberName) {
        StringBuilder b = new StringBuilder("fulcrum-");
        for (byte c : memberName.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == ':') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c & 0xff));
            }
        }
        return b.append(".service").toString();
    }

    @Override
    public Result start(String pool, long generation, Instant deadline) {
        return withLock(pool + "-" + generation, deadline, () -> startUnit(pool, generation, deadline));
    }

    @Override
    public Result stop(Member member, long generation, Instant deadline) {
        return withLock(member.name(), deadline, () -> stopUnit(member, deadline));
    }

    @Override
    public Result replace(Member member, long generation, Instant deadline) {
        String pool = member.labels().get(POOL_LABEL);
        if (pool == null) {
            return Result.failed(member.name() + " has no " + POOL_LABEL + " label to say which pool its replacement is for");
        }
        Map<String, String> next = show(unitName(pool + "-" + generation), deadline);
        if (!runs(next)) {
            Result stopped = stop(member, generation, deadline);
            if (!stopped.ok()) {
                return Result.failed("cannot replace " + member.name() + ": " + stopped.detail());
            }
        }
        Result started = start(pool, generation, deadline);
        return started.ok() ? Result.started(started.member(), "replaced " + member.name() + "; " + started.detail())
                : started;
    }

    @Override
    public Listing list(String pool, Instant deadline) {
        ScriptRun.Outcome o = systemctl(deadline, "list-units", "--all", "--plain", "--no-legend", "--no-pager",
                "--type=service", unitName(pool + "-").replace(".service", "*"));
        if (o.failure() != null || o.exitCode() != 0) {
            return Listing.failed("systemctl list-units failed: " + why(o));
        }
        List<Member> out = new ArrayList<>();
        for (String line : o.stdout().split("\n")) {
            String[] columns = line.strip().split("\\s+");
            if (columns.length < 4 || !columns[0].endsWith(".service")) {
                continue;
            }
            Map<String, String> unit = show(columns[0], deadline);
            Member m = member(unit);
            if (m != null && runs(unit) && pool.equals(m.labels().get(POOL_LABEL))) {
                out.add(m);
            }
        }
        return Listing.of(out);
    }

    /** Units outlive the provisioner: they are systemd's, and a restarted node finds them with {@link #list}. */
    @Override
    public void close() {
    }

    private Result startUnit(String pool, long generation, Instant deadline) {
        String name = pool + "-" + generation;
        String unit = unitName(name);
        Map<String, String> existing = show(unit, deadline);
        Member running = member(existing);
        if (running != null && runs(existing)) {
            Result ready = awaitReady(unit, running, deadline);
            return ready.ok() ? Result.started(running, "generation " + generation + " already runs " + unit) : ready;
        }
        int port = PortReservations.NODE.reserve(address, ports, portCursor);
        if (port < 0) {
            return Result.failed("no free port in " + ports + " on " + settings.address());
        }
        Member member = new Member(name, HostPort.of(address.getHostAddress(), port).toString(),
                Map.of(POOL_LABEL, pool, "systemd.unit", unit));
        ScriptRun.Outcome o = ScriptRun.run(runCommand(settings, unit, pool, name, generation, port), "",
                null, Map.of(), deadline, Duration.ofSeconds(2));
        if (o.failure() != null || o.exitCode() != 0) {
            PortReservations.NODE.release(address, port);
            return Result.failed("systemd-run " + unit + " failed: " + why(o));
        }
        Result ready = awaitReady(unit, member, deadline);
        if (!ready.ok()) {
            stopUnit(member, Instant.now().plus(settings.stopGrace()).plusSeconds(5));
            return ready;
        }
        return Result.started(member, "started " + unit + ", listening on " + member.address());
    }

    private Result stopUnit(Member member, Instant deadline) {
        String unit = unitName(member.name());
        ScriptRun.Outcome o = systemctl(deadline, "stop", unit);
        // 5: the unit is not loaded, i.e. it is stopped already.
        boolean stopped = o.failure() == null && (o.exitCode() == 0 || o.exitCode() == 5);
        systemctl(deadline, "reset-failed", unit);
        if (!stopped) {
            return Result.failed("systemctl stop " + unit + " failed: " + why(o));
        }
        releasePort(member);
        return Result.stopped(o.exitCode() == 5 ? unit + " was not running" : "stopped " + unit);
    }

    /** Waits until the member's port accepts TCP; fails early when systemd says the unit failed. */
    private Result awaitReady(String unit, Member member, Instant deadline) {
        HostPort hp = HostPort.parse(member.address());
        InetSocketAddress target = new InetSocketAddress(hp.host(), hp.port());
        Instant began = Instant.now();
        while (true) {
            Instant step = Instant.now().plus(STATE_POLL);
            try {
                if (TcpReadiness.probe(target, step.isBefore(deadline) ? step : deadline)) {
                    return Result.started(member, "");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.failed("interrupted while " + unit + " started");
            }
            Map<String, String> state = show(unit, deadline);
            if ("failed".equals(state.get("ActiveState")) || "inactive".equals(state.get("ActiveState"))) {
                return Result.failed(unit + " is " + state.get("ActiveState") + " (" + state.getOrDefault("Result", "?")
                        + ") before it listened on " + member.address() + journal(unit, deadline));
            }
            if (!Instant.now().isBefore(deadline)) {
                return Result.failed(unit + " did not listen on " + member.address() + " by the deadline (after "
                        + Duration.between(began, Instant.now()).toMillis() + " ms); stopped it" + journal(unit, deadline));
            }
        }
    }

    /**
     * The {@code systemd-run} command line for a member: a transient service restarted on
     * failure, stopped with SIGTERM then SIGKILL after {@code stopGrace}, with the member's values
     * in its environment.
     */
    static List<String> runCommand(SystemdSettings s, String unit, String pool, String name, long generation, int port) {
        String host = InetAddress.ofLiteral(s.address()).getHostAddress();
        Map<String, String> values = Map.of("port", Integer.toString(port), "name", name, "address", host,
                "pool", pool, "generation", Long.toString(generation));
        List<String> argv = new ArrayList<>(List.of("systemd-run"));
        if (s.userManager()) {
            argv.add("--user");
        }
        argv.add("--unit=" + unit);
        argv.add("--description=Fulcrum member " + name + " of pool " + pool);
        argv.add("--collect");
        argv.add("--property=Restart=on-failure");
        argv.add("--property=RestartSec=" + s.restartDelay().toMillis() + "ms");
        argv.add("--property=TimeoutStopSec=" + s.stopGrace().toMillis() + "ms");
        argv.add("--property=KillMode=mixed");
        for (String p : s.properties()) {
            argv.add("--property=" + p);
        }
        if (s.workingDirectory() != null) {
            argv.add("--working-directory=" + s.workingDirectory());
        }
        if (s.user() != null) {
            argv.add("--uid=" + s.user());
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FULCRUM_MEMBER_NAME", name);
        env.put("FULCRUM_MEMBER_PORT", Integer.toString(port));
        env.put("FULCRUM_MEMBER_ADDRESS", host);
        env.put("FULCRUM_POOL", pool);
        s.environment().forEach((k, v) -> env.put(k, CommandTemplate.expand(v, values)));
        env.forEach((k, v) -> argv.add("--setenv=" + k + "=" + v));
        argv.add("--");
        argv.addAll(CommandTemplate.expand(s.command(), values));
        return argv;
    }

    /** A unit's {@code ActiveState}, {@code Result} and {@code Environment} ({@code systemctl show}); empty when unknown. */
    private Map<String, String> show(String unit, Instant deadline) {
        ScriptRun.Outcome o = systemctl(deadline, "show", "--property=ActiveState", "--property=Result",
                "--property=Environment", unit);
        Map<String, String> out = new HashMap<>();
        if (o.failure() != null || o.exitCode() != 0) {
            return out;
        }
        for (String line : o.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    /** The member a unit runs, from the values Fulcrum put in its environment; null when they are not there. */
    private static Member member(Map<String, String> unit) {
        Map<String, String> env = new HashMap<>();
        for (String word : unit.getOrDefault("Environment", "").split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                env.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        String name = env.get("FULCRUM_MEMBER_NAME");
        String port = env.get("FULCRUM_MEMBER_PORT");
        String host = env.get("FULCRUM_MEMBER_ADDRESS");
        String pool = env.get("FULCRUM_POOL");
        if (name == null || port == null || host == null || pool == null) {
            return null;
        }
        try {
            return new Member(name, HostPort.of(host, Integer.parseInt(port)).toString(),
                    Map.of(POOL_LABEL, pool, "systemd.unit", unitName(name)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean runs(Map<String, String> unit) {
        String s = unit.get("ActiveState");
        return "active".equals(s) || "activating".equals(s) || "reloading".equals(s);
    }

    private void releasePort(Member member) {
        try {
            HostPort hp = HostPort.parse(member.address());
            PortReservations.NODE.release(address, hp.port());
        } catch (IllegalArgumentException notOurs) {
            // Not an address this provisioner gave: nothing reserved.
        }
    }

    private String journal(String unit, Instant deadline) {
        List<String> argv = new ArrayList<>(List.of("journalctl"));
        if (settings.userManager()) {
            argv.add("--user");
        }
        argv.addAll(List.of("--no-pager", "--output=cat", "--lines=10", "--unit=" + unit));
        ScriptRun.Outcome o = ScriptRun.run(argv, "", null, Map.of(), earlier(deadline, Duration.ofSeconds(5)),
                Duration.ofSeconds(1));
        String text = o.stdout().strip().replace("\n", " | ");
        return text.isEmpty() ? "" : "; its journal ended with: " + text;
    }

    private ScriptRun.Outcome systemctl(Instant deadline, String... args) {
        List<String> argv = new ArrayList<>(List.of("systemctl"));
        if (settings.userManager()) {
            argv.add("--user");
        }
        argv.addAll(List.of(args));
        return ScriptRun.run(argv, "", null, Map.of(), earlier(deadline, Duration.ofSeconds(30)), Duration.ofSeconds(2));
    }

    /** The deadline, or {@code most} from now if that comes first (a query must not take the whole action's time). */
    private static Instant earlier(Instant deadline, Duration most) {
        Instant cap = Instant.now().plus(most);
        return cap.isBefore(deadline) ? cap : deadline;
    }

    private static String why(ScriptRun.Outcome o) {
        String what = o.failure() != null ? o.failure() : "exit status " + o.exitCode();
        return what + o.stderrSuffix();
    }

    private Result withLock(String name, Instant deadline, Supplier<Result> action) {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        try {
            if (!lock.tryLock(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS)) {
                return Result.failed("another action on " + name + " did not end by the deadline");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
