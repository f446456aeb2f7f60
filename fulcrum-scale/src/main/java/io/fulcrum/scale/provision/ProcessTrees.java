package io.fulcrum.scale.provision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a process and everything it started: SIGTERM to the whole tree, then, for what still
 * runs after the grace period, SIGKILL. The tree matters because a command run through a
 * shell, or a script that starts its backend, leaves its children running when only the
 * parent is signalled.
 */
final class ProcessTrees {

    /** How long a SIGKILLed process is waited for before giving up on it. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /** How a tree ended. */
    enum Ending {
        /** Nothing was running. */
        NOT_RUNNING,
        /** Every process ended on SIGTERM within the grace period. */
        TERMINATED,
        /** Some had to be killed with SIGKILL. */
        KILLED,
        /** Still running even after SIGKILL (a process stuck in the kernel). */
        STUCK
    }

    private ProcessTrees() {
    }

    /**
     * Sends SIGTERM to {@code root} and its descendants, waits up to {@code grace} for all of
     * them to end, then SIGKILLs what remains. Blocks (virtual threads only).
     */
    static Ending terminate(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = tree(root);
        if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
            return Ending.NOT_RUNNING;
        }
        tree.forEach(ProcessHandle::destroy);
        if (awaitAll(tree, Instant.now().plus(grace))) {
            return Ending.TERMINATED;
        }
        // Children started during the grace period are part of the tree too.
        List<ProcessHandle> remaining = new ArrayList<>(tree);
        remaining.addAll(tree(root));
        remaining.forEach(ProcessHandle::destroyForcibly);
        return awaitAll(remaining, Instant.now().plus(KILL_WAIT)) ? Ending.KILLED : Ending.STUCK;
    }

    /** SIGKILL to the tree at once, for a process that must not linger (a timed-out script). */
    static Ending kill(ProcessHandle root) {
        return terminate(root, Duration.ZERO);
    }

    private static List<ProcessHandle> tree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        return tree;
    }

    private static boolean awaitAll(List<ProcessHandle> processes, Instant until) {
        for (ProcessHandle p : processes) {
            long left = Duration.between(Instant.now(), until).toMillis();
            CompletableFuture<ProcessHandle> exit = p.onExit();
            try {
                if (left <= 0) {
                    if (p.isAlive()) {
                        return false;
                    }
                    continue;
                }
                exit.get(left, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                return !p.isAlive();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !p.isAlive();
            }
        }
        return true;
    }
}
