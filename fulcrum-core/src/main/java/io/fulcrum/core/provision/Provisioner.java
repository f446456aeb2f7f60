package io.fulcrum.core.provision;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Starts, stops and replaces the members of one pool: local processes, scripts that call a
 * cloud's command line, transient systemd units... (docs/autoscaling.md, "Provisioner SPI").
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>Every action has a deadline and returns its outcome; a failure of the platform (a
 *       process that does not start, a script that exits nonzero, a deadline passed) is a
 *       failed {@link Result} or {@link Listing} with a detail saying why, never an exception.
 *       When the deadline passes the action gives up and undoes what it half did (a process
 *       that never listened is killed).</li>
 *   <li>Actions block. Callers run them on virtual threads, never on an event loop; several may
 *       run at once, for one pool or several, so an implementation is thread-safe.</li>
 *   <li>Actions are keyed by the caller's {@code generation}, a number the caller makes larger
 *       for every action it decides. Repeating an action with the same generation (a controller
 *       that restarted, or a new leader of a cluster finishing what the old one began) does not
 *       act twice: {@code start(pool, g)} twice runs one member and returns it both times,
 *       {@code replace(m, g)} twice replaces once, and {@code stop} of a member that no longer
 *       runs succeeds. How far back a provisioner remembers is its own (the {@code process}
 *       provisioner for its lifetime, an {@code exec} script as far as its platform does).</li>
 *   <li>A member's {@link Member#name() name} is unique in its pool and stable: the caller uses
 *       it as the backend's name and hands the member back to {@code stop} and {@code replace}.</li>
 *   <li>What the provisioner does on its own (a process that exited and was restarted) is told
 *       to the {@link Listener} given to {@link #listen}, so that the caller can log it.</li>
 * </ul>
 */
public interface Provisioner extends AutoCloseable {

    /**
     * One member the provisioner runs.
     *
     * @param name    unique in its pool and stable (the backend's name), e.g. {@code web-17}
     * @param address where it takes traffic, {@code host:port} ({@code [v6]:port})
     * @param labels  what the provisioner knows of it (an instance id, a unit name...); never null
     */
    record Member(String name, String address, Map<String, String> labels) {
        public Member {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /**
     * What {@code start}, {@code stop} or {@code replace} did.
     *
     * @param ok     whether it succeeded before its deadline
     * @param member the member started or the new one of a replacement (null for a stop or a failure)
     * @param detail what happened, for the event log (on a failure: why, with the end of the
     *               platform's own message, such as a script's standard error)
     */
    record Result(boolean ok, Member member, String detail) {

        /** A start or replacement that gave this member. */
        public static Result started(Member member, String detail) {
            return new Result(true, Objects.requireNonNull(member, "member"), detail);
        }

        /** A stop that succeeded (also: the member no longer ran). */
        public static Result stopped(String detail) {
            return new Result(true, null, detail);
        }

        /** An action that failed, and why. */
        public static Result failed(String detail) {
            return new Result(false, null, detail);
        }
    }

    /**
     * What {@link #list} found.
     *
     * @param ok      whether the members could be listed before the deadline
     * @param members the pool's members the provisioner runs (empty on a failure)
     * @param detail  why it failed, or a note; never null
     */
    record Listing(boolean ok, List<Member> members, String detail) {
        public Listing {
            members = members == null ? List.of() : List.copyOf(members);
            detail = detail == null ? "" : detail;
        }

        /** The members found. */
        public static Listing of(List<Member> members) {
            return new Listing(true, members, "");
        }

        /** Listing failed, and why. */
        public static Listing failed(String detail) {
            return new Listing(false, List.of(), detail);
        }
    }

    /**
     * Something the provisioner did or saw on its own, between the caller's actions.
     *
     * @param type   what: {@link #EXITED}, {@link #RESTARTED}, {@link #GAVE_UP}
     * @param pool   the member's pool
     * @param member the member
     * @param detail what happened, for the event log
     */
    record Event(String type, String pool, Member member, String detail) {
        /** A member stopped without being asked to (a process exited); a restart follows unless {@link #GAVE_UP}. */
        public static final String EXITED = "provision.member.exited";
        /** A member that exited runs again, under the same name and address. */
        public static final String RESTARTED = "provision.member.restarted";
        /** A member is no longer restarted (too many exits, or its restart failed); it stays down until replaced. */
        public static final String GAVE_UP = "provision.member.gave-up";
    }

    /** Told of {@link Event}s; called on the provisioner's own threads, so it must not block for long. */
    @FunctionalInterface
    interface Listener {
        void event(Event event);
    }

    /**
     * Starts one more member of {@code pool}, and returns once it takes traffic (or, for a
     * provisioner that cannot tell, once the platform says it runs).
     *
     * @param generation the action's key: the same generation again returns the same member
     * @param deadline   by when it must be done; a member not ready by then is undone
     */
    Result start(String pool, long generation, Instant deadline);

    /**
     * Stops a member (after the caller drained it). A member that no longer runs is stopped:
     * the result is ok.
     */
    Result stop(Member member, long generation, Instant deadline);

    /**
     * Replaces a failed member by a new one: stops it (if it still runs) and starts another,
     * returned in the result. The same generation again returns the same new member.
     */
    Result replace(Member member, long generation, Instant deadline);

    /** The members of {@code pool} it runs now (after a restart of the caller: the ones to take back). */
    Listing list(String pool, Instant deadline);

    /**
     * Sets who is told of the {@link Event}s (one listener; the last one set). A provisioner
     * that does nothing on its own tells nothing and may keep the default, which ignores it.
     */
    default void listen(Listener listener) {
    }

    /**
     * Ends the provisioner's own work (watching, restarting). Whether the members it runs
     * stop too is the provisioner's to say: local processes do, cloud instances do not.
     */
    @Override
    void close();
}
