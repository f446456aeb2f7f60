package io.fulcrum.app;

import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** {@code fulcrum run} in a real child process: refusal, bind failure, serving, and SIGTERM. */
class RunCommandTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Pattern BOUND = Pattern.compile("listener web on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void invalidFileExitsTwoAndBindsNothing() throws Exception {
        int port = FreePorts.tcp();
        String yaml = TestConfigs.badWeight(port);
        Path file = TestConfigs.write(dir, "bad.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stderr())
                    .contains("bad.yaml:" + TestConfigs.lineOf(yaml, "weight: -3") + ":")
                    .contains("pools[0].backends[1].weight")
                    .doesNotContain("listener web on");
            assertThat(Sockets.listening(port)).isFalse();
        }
    }

    @Test
    void addressInUseExitsOneWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String yaml = TestConfigs.good(taken.getLocalPort());
            Path file = TestConfigs.write(dir, "taken.yaml", yaml);
            try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString())) {
                assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(1);
                // One line, at the field that gave the address, with no stack trace.
                assertThat(p.stderr()).contains("fulcrum: cannot start: " + file + ":"
                                + TestConfigs.lineOf(yaml, "bind:") + ":11: listeners[0].bind: listener web cannot bind "
                                + "127.0.0.1:" + taken.getLocalPort())
                        .doesNotContain("\tat ");
            }
        }
    }

    @Test
    void servesUntilSigtermThenExitsZeroAndReleasesThePort() throws Exception {
        Path file = TestConfigs.write(dir, "good.yaml", TestConfigs.good(FreePorts.tcp()));
        try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString())) {
            await().atMost(LIMIT).until(() -> BOUND.matcher(p.stderr()).find() || !p.isAlive());
            Matcher m = BOUND.matcher(p.stderr());
            assertThat(m.find()).as("bound address logged; stderr:%n%s", p.stderr()).isTrue();
            int port = Integer.parseInt(m.group(1));
            assertThat(Sockets.listening(port)).isTrue();

            p.terminate();

            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
            assertThat(p.stderr()).contains("stopped");
            assertThat(Sockets.listening(port)).isFalse();
        }
    }

    @Test
    void ownSessionMovesTheProcessIntoASessionOfItsOwn() throws Exception {
        assumeThat(Path.of("/proc/self/stat")).exists();
        Path file = TestConfigs.write(dir, "own.yaml", "server:\n  ownSession: true\n" + TestConfigs.good(FreePorts.tcp()));
        try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString())) {
            await().atMost(LIMIT).until(() -> BOUND.matcher(p.stderr()).find() || !p.isAlive());
            assertThat(p.stderr()).contains("server.ownSession: now in a session of its own");
            assertThat(sessionOf(p.pid())).isEqualTo(p.pid());
            p.terminate();
            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
        }
    }

    @Test
    void withoutOwnSessionTheProcessStaysInTheSessionThatStartedIt() throws Exception {
        assumeThat(Path.of("/proc/self/stat")).exists();
        Path file = TestConfigs.write(dir, "inherit.yaml", TestConfigs.good(FreePorts.tcp()));
        try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString())) {
            await().atMost(LIMIT).until(() -> BOUND.matcher(p.stderr()).find() || !p.isAlive());
            assertThat(p.stderr()).doesNotContain("ownSession");
            assertThat(sessionOf(p.pid())).isEqualTo(sessionOf(ProcessHandle.current().pid()));
            p.terminate();
            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
        }
    }

    /** Field 6 of /proc/PID/stat, read after the command name (which may hold spaces). */
    private static long sessionOf(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(after[3]); // state, ppid, pgrp, session
    }
}
