package io.fulcrum.cluster.member;

import java.time.Instant;

/**
 * One member as this node sees it: its last registration, its state, since when.
 *
 * @param member the last registration read (a gone member keeps its last one)
 * @param state  up, draining, removed or failed
 * @param since  when this node saw it enter that state
 */
public record MemberView(Member member, MemberState state, Instant since) {
}
