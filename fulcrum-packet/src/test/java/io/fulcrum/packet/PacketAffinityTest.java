package io.fulcrum.packet;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.ServerSettings;
import io.fulcrum.testsupport.ThreadCpus;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packet thread's CPU, read back from the kernel ({@code Cpus_allowed_list} in
 * {@code /proc/self/task/TID/status}) for a packet path started in a balancer namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PacketAffinityTest {

    private NetnsTopology net;

    @BeforeAll
    void up() throws Exception {
        net = NetnsTopology.up();
    }

    @AfterAll
    void down() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void byDefaultTheThreadRunsOnTheLastCpuTheProcessMayUse() throws Exception {
        String process = allowed(Path.of("/proc/self/status"));
        assumeTrue(process.contains("-") || process.contains(","), "the process may run on one CPU only: " + process);
        try (PacketEngine e = engine(PacketCpu.byDefault())) {
            String last = process.substring(Math.max(process.lastIndexOf('-'), process.lastIndexOf(',')) + 1);
            assertThat(threadCpus(e)).isEqualTo(last);
            assertThat(e.pinnedCpu()).isEqualTo(Integer.parseInt(last));
            // The thread that started it keeps the process's CPUs.
            assertThat(allowed(Path.of("/proc/thread-self/status"))).isEqualTo(process);
        }
    }

    @Test
    void aChosenCpuIsTheOnlyOneTheThreadRunsOn() throws Exception {
        try (PacketEngine e = engine(PacketCpu.cpu(0))) {
            assertThat(threadCpus(e)).isEqualTo("0");
        }
    }

    @Test
    void noneLeavesTheThreadWhereTheSchedulerPutsIt() throws Exception {
        try (PacketEngine e = engine(PacketCpu.of(server("none"), null))) {
            assertThat(threadCpus(e)).isEqualTo(allowed(Path.of("/proc/self/status")));
            assertThat(e.pinnedCpu()).isEqualTo(-1);
        }
    }

    @Test
    void aCpuTheProcessMayNotUseIsRefusedWithTheReason() {
        PacketEngine e = new PacketEngine("eth0", net.nsPath("bal1").toString(), PacketCpu.of(server("1000"), null));
        assertThatThrownBy(e::start).isInstanceOf(IOException.class)
                .hasMessageContaining("server.packetCpu: 1000").hasMessageContaining("may not run on CPU 1000");
    }

    @Test
    void theFileWinsOverTheVariableWhichIsTheFallback() throws Exception {
        try (PacketEngine e = engine(PacketCpu.of(server("0"), "none"))) {
            assertThat(threadCpus(e)).isEqualTo("0");
        }
        try (PacketEngine e = engine(PacketCpu.of(server(null), "0"))) {
            assertThat(threadCpus(e)).isEqualTo("0");
        }
        PacketEngine refused = new PacketEngine("eth0", net.nsPath("bal1").toString(), PacketCpu.of(server(null), "1000"));
        assertThatThrownBy(refused::start).hasMessageContaining("FULCRUM_PACKET_CPU=1000")
                .hasMessageContaining("may not run on CPU 1000");
    }

    @Test
    void aValueThatIsNoCpuIsRefusedNamingWhereItCameFrom() {
        assertThatThrownBy(() -> PacketCpu.of(server("two"), null)).isInstanceOf(InvalidFieldException.class)
                .hasMessage("server.packetCpu: must be auto, none or a CPU number 0..1023 (got \"two\")");
        assertThatThrownBy(() -> PacketCpu.of(server(null), "-1")).isInstanceOf(InvalidFieldException.class)
                .hasMessage("FULCRUM_PACKET_CPU: must be auto, none or a CPU number 0..1023 (got \"-1\")");
    }

    @Test
    void theNodeCheckRefusesACpuTheProcessMayNotUseAtTheField() {
        FulcrumConfig config = FulcrumConfigBuilder.config().server(server("1000")).noAccessLog().listeners(java.util.List.of()).build();
        assertThatThrownBy(() -> PacketService.check(config)).isInstanceOfSatisfying(InvalidFieldException.class,
                e -> {
                    assertThat(e.field()).isEqualTo("server.packetCpu");
                    assertThat(e.reason()).startsWith("this process may not run on CPU 1000 (allowed: ");
                });
    }

    private static ServerSettings server(String packetCpu) {
        return new ServerSettings(null, null, null, null, null, null, null, null, packetCpu);
    }

    private PacketEngine engine(PacketCpu cpu) throws IOException {
        PacketEngine e = new PacketEngine("eth0", net.nsPath("bal1").toString(), cpu);
        e.start();
        return e;
    }

    private static String threadCpus(PacketEngine e) throws IOException {
        assertThat(e.threadId()).isPositive();
        return allowed(Path.of("/proc/self/task/" + e.threadId() + "/status"));
    }

    private static String allowed(Path status) {
        return ThreadCpus.of(status);
    }
}
