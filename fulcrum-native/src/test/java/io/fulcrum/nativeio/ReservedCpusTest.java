package io.fulcrum.nativeio;

import io.fulcrum.testsupport.ThreadCpus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Where the threads of a kept-apart factory may run, computed and as the kernel reports it. */
class ReservedCpusTest {

    @AfterEach
    void release() {
        ReservedCpus.reserve(-1);
    }

    @Test
    void theOthersRunOnTheAllowedCpusLessTheReservedOne() {
        assertThat(ReservedCpus.apartFrom(new int[]{0, 1, 2, 3}, 3)).containsExactly(0, 1, 2);
        assertThat(ReservedCpus.apartFrom(new int[]{0, 2, 5}, 2)).containsExactly(0, 5);
        assertThat(ReservedCpus.apartFrom(new int[]{0, 1}, 7)).containsExactly(0, 1);
        assertThat(ReservedCpus.apartFrom(new int[]{0, 1}, -1)).containsExactly(0, 1);
    }

    @Test
    void aProcessOnOneCpuKeepsItForEveryone() {
        assertThat(ReservedCpus.apartFrom(new int[]{4}, 4)).containsExactly(4);
    }

    @Test
    void aThreadOfTheFactoryStartsOffTheReservedCpu() throws Exception {
        int[] allowed = Libc.allowedCpus();
        assumeThat(allowed.length).as("this process may run on one CPU only: nothing to keep apart").isGreaterThan(1);
        int last = allowed[allowed.length - 1];
        ReservedCpus.reserve(last);
        var pool = Executors.newSingleThreadExecutor(ReservedCpus.apart(Thread.ofPlatform().factory()));
        try {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(ThreadCpus::ofCallingThread, pool);
            assertThat(CpuList.parse(seen.get(10, TimeUnit.SECONDS))).containsExactly(CpuList.without(allowed, last));
        } finally {
            pool.shutdownNow();
        }
        // The reservation binds the factory's threads only: this one is where it was.
        assertThat(CpuList.parse(ThreadCpus.ofCallingThread())).containsExactly(allowed);
    }
}
