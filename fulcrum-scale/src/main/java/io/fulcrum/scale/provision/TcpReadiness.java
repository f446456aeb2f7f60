package io.fulcrum.scale.provision;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until a started process accepts TCP connections on its port: the sign that a member
 * can take traffic. Blocks (virtual threads only).
 */
final class TcpReadiness {

    /** How the wait ended. */
    enum Outcome { READY, EXITED, DEADLINE }

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

    private TcpReadiness() {
    }

    /**
     * Tries to connect to {@code address} until it succeeds, {@code process} exits or
     * {@code deadline} passes.
     */
    static Outcome await(InetSocketAddress address, Process process, Instant deadline) throws InterruptedException {
        while (true) {
            if (!process.isAlive()) {
                return Outcome.EXITED;
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return Outcome.DEADLINE;
            }
            try (Socket s = new Socket()) {
                s.connect(address, (int) Math.max(1, Math.min(left.toMillis(), CONNECT_TIMEOUT.toMillis())));
                return Outcome.READY;
            } catch (IOException notYet) {
                // Not listening yet: try again shortly.
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
        }
    }

    /**
     * Tries to connect to {@code address} until it succeeds (true) or {@code until} passes
     * (false): for a process that is not this JVM's child, such as a systemd unit's.
     */
    static boolean probe(InetSocketAddress address, Instant until) throws InterruptedException {
        while (true) {
            Duration left = Duration.between(Instant.now(), until);
            if (left.isNegative() || left.isZero()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(address, (int) Math.max(1, Math.min(left.toMillis(), CONNECT_TIMEOUT.toMillis())));
                return true;
            } catch (IOException notYet) {
                // Not listening yet: try again shortly.
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, Duration.between(Instant.now(), until).toMillis())));
        }
    }
}
