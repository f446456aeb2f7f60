package io.fulcrum.packet.sys;

import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interface under a packet socket is removed (its namespace's veth deleted, as when a
 * topology is torn down under a running node): the receive loop reads the kernel's error, so
 * that poll waits again instead of returning at once with POLLERR on every call (which kept a
 * node's packet thread spinning on a core after its interface was gone).
 */
class PacketSocketErrorTest {

    @Test
    void anInterfaceRemovedUnderTheSocketLeavesNoErrorPending() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (NetnsTopology net = NetnsTopology.up()) {
            thread.submit(() -> {
                PacketCalls.enterNetns(net.nsPath("bal1").toString());
                try (PacketSocket socket = PacketSocket.open("eth0", 1 << 16, 4, 2, 2048);
                     Arena arena = Arena.ofConfined()) {
                    net.exec("bal1", "ip", "link", "del", "eth0");
                    // Frames the ring took before the link went are handed over first (receive polls only
                    // when none is ready), so the loop may take a few calls to reach the error.
                    for (int call = 0; call < 20 && socket.errors() == 0; call++) {
                        socket.receive((m, off, len, type, status) -> PacketSocket.PASS, 1000, new Object());
                    }
                    assertThat(socket.errors()).as("the kernel's ENETDOWN was read").isEqualTo(1);
                    // What the next poll of the receive loop sees: nothing, so it would wait.
                    MemorySegment pollfd = arena.allocate(8, 4);
                    pollfd.set(ValueLayout.JAVA_INT, 0, socket.descriptor());
                    pollfd.set(ValueLayout.JAVA_SHORT, 4, PacketCalls.POLLIN);
                    assertThat(PacketCalls.poll(pollfd, 1, 0)).isZero();
                }
                return null;
            }).get();
        } finally {
            thread.shutdownNow();
        }
    }
}
