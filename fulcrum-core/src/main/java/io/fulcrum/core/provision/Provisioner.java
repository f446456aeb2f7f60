package io.fulcrum.core.provision;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Starts, stops and replaces the members of one pool. Every action has a deadline and
 * returns a {@link Result}, never throws for a failure of the platform; actions block
 * (callers run them on virtual threads, never on an event loop). An action is keyed by
 * the caller's {@code generation}, so repeating it (after a controller change) does not
 * act twice.
 */
public interface Provisioner extends AutoCloseable {

    /** One member the provisioner runs. */
    record Member(String name, String address, Map<String, String> labels) {
        public Member {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /**
     * What an action did.
     *
     * @param ok     whether it succeeded before its deadline
     * @param member the member started or replaced (null for a stop or a failure)
     * @param detail what happened, for the event log
     */
    record Result(boolean ok, Member member, String detail) {
    }

    /** Starts one more member. */
    Result start(String pool, long generation, Instant deadline);

    /** Stops a member (after the caller drained it). */
    Result stop(Member member, long generation, Instant deadline);

    /** Replaces a failed member by a new one. */
    Result replace(Member member, long generation, Instant deadline);

    /** The members it runs now. */
    List<Member> list(String pool, Instant deadline);

    @Override
    void close();
}
