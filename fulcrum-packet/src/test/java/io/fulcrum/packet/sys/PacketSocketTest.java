package io.fulcrum.packet.sys;

import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rings of {@link PacketSocket} between two namespaces of the test topology: bal2 sends
 * frames of an experimental EtherType to bal1's MAC over the bridge, bal1's socket takes them
 * from its receive ring and sends rewritten copies back through its transmit ring. Every call
 * runs on one thread that opened both sockets (each in its namespace).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PacketSocketTest {

    private static final int ETHERTYPE = 0x88B5;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final Object lock = new Object();
    private final Arena arena = Arena.ofShared();
    private NetnsTopology net;
    private PacketSocket bal1;
    private PacketSocket bal2;

    @BeforeAll
    void open() throws Exception {
        net = NetnsTopology.up();
        on(() -> {
            PacketCalls.enterNetns(net.nsPath("bal2").toString());
            bal2 = PacketSocket.open("eth0", 1 << 16, 4, 2, 2048);
            PacketCalls.enterNetns(net.nsPath("bal1").toString());
            bal1 = PacketSocket.open("eth0", 1 << 16, 4, 2, 2048);
            return null;
        });
    }

    @AfterAll
    void close() throws Exception {
        if (bal1 != null) {
            on(() -> {
                bal1.close();
                bal2.close();
                return null;
            });
        }
        thread.shutdown();
        if (net != null) {
            net.close();
        }
    }

    @Test
    void aLoneFrameIsHandedOverAsSoonAsTheKernelHasIt() throws Exception {
        on(() -> {
            bal1.kernelStatistics(); // reset the kernel's counters
            for (int round = 0; round < 20; round++) {
                send(bal2, bal1.mac(), (byte) 'L', round);
                awaitQueued(1); // (or more: the namespaces' own IPv6 traffic)
                // The kernel has put the frame in the ring: it is there now, with no other frame
                // to fill a block and no timer to wait for.
                int[] seen = {-1};
                bal1.receive((m, off, len, type, status) -> {
                    if (isTest(m, off, len) && m.get(ValueLayout.JAVA_BYTE, off + 14) == 'L') {
                        seen[0] = m.get(ValueLayout.JAVA_BYTE, off + 15);
                    }
                    return PacketSocket.PASS;
                }, 0, lock);
                assertThat(seen[0]).as("round %d", round).isEqualTo(round);
            }
            return null;
        });
    }

    @Test
    void aBatchOfFramesLeavesWithOneSendCall() throws Exception {
        on(() -> {
            drain(bal2);
            bal1.kernelStatistics();
            for (int i = 0; i < 32; i++) {
                send(bal2, bal1.mac(), (byte) 'B', i);
            }
            awaitQueued(32);
            long callsBefore = bal1.sendCalls();
            long sentBefore = bal1.framesSent();
            // Each frame goes back to bal2, marked as forwarded.
            int n = bal1.receive((m, off, len, type, status) -> {
                if (!isTest(m, off, len) || m.get(ValueLayout.JAVA_BYTE, off + 14) != 'B') {
                    return PacketSocket.PASS;
                }
                swapMacs(m, off);
                m.set(ValueLayout.JAVA_BYTE, off + 14, (byte) 'F');
                return PacketSocket.SEND;
            }, 0, lock);
            assertThat(n).isGreaterThanOrEqualTo(32); // and whatever else the link carried (IPv6 noise)
            assertThat(bal1.framesSent() - sentBefore).isEqualTo(32);
            assertThat(bal1.sendCalls() - callsBefore).as("sendto calls for the batch").isEqualTo(1);
            assertThat(bal1.sendErrors()).isZero();

            // bal2 receives all 32, intact and in order.
            StringBuilder got = new StringBuilder();
            for (int tries = 0; tries < 200 && got.length() < 32; tries++) {
                bal2.receive((m, off, len, type, status) -> {
                    if (isTest(m, off, len) && m.get(ValueLayout.JAVA_BYTE, off + 14) == 'F') {
                        got.append((char) ('a' + m.get(ValueLayout.JAVA_BYTE, off + 15) % 26));
                    }
                    return PacketSocket.PASS;
                }, 10, lock);
            }
            StringBuilder want = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                want.append((char) ('a' + i % 26));
            }
            assertThat(got.toString()).isEqualTo(want.toString());
            return null;
        });
    }

    /** Waits (bounded) until the kernel reports {@code frames} more frames put in bal1's ring. */
    private void awaitQueued(int frames) throws Exception {
        long queued = 0;
        for (int tries = 0; tries < 2000 && queued < frames; tries++) {
            queued += bal1.kernelStatistics()[0];
            if (queued < frames) {
                Thread.onSpinWait();
            }
        }
        assertThat(queued).as("frames the kernel queued for bal1").isGreaterThanOrEqualTo(frames);
    }

    private void send(PacketSocket from, long to, byte kind, int seq) {
        MemorySegment f = arena.allocate(60);
        for (int i = 0; i < 6; i++) {
            f.set(ValueLayout.JAVA_BYTE, i, (byte) (to >>> (40 - 8 * i)));
            f.set(ValueLayout.JAVA_BYTE, 6 + i, (byte) (from.mac() >>> (40 - 8 * i)));
        }
        f.set(ValueLayout.JAVA_BYTE, 12, (byte) (ETHERTYPE >>> 8));
        f.set(ValueLayout.JAVA_BYTE, 13, (byte) ETHERTYPE);
        f.set(ValueLayout.JAVA_BYTE, 14, kind);
        f.set(ValueLayout.JAVA_BYTE, 15, (byte) seq);
        from.send(f, 60);
    }

    private void drain(PacketSocket s) throws Exception {
        while (s.receive((m, off, len, type, status) -> PacketSocket.PASS, 0, lock) > 0) {
            // discard
        }
    }

    private static boolean isTest(MemorySegment m, long off, int len) {
        return len >= 16 && (m.get(ValueLayout.JAVA_SHORT_UNALIGNED, off + 12) & 0xFFFF) == Short.toUnsignedInt(
                Short.reverseBytes((short) ETHERTYPE));
    }

    private static void swapMacs(MemorySegment m, long off) {
        for (int i = 0; i < 6; i++) {
            byte d = m.get(ValueLayout.JAVA_BYTE, off + i);
            m.set(ValueLayout.JAVA_BYTE, off + i, m.get(ValueLayout.JAVA_BYTE, off + 6 + i));
            m.set(ValueLayout.JAVA_BYTE, off + 6 + i, d);
        }
    }

    private <T> T on(Callable<T> work) throws Exception {
        try {
            return thread.submit(work).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw (Error) e.getCause();
        }
    }
}
