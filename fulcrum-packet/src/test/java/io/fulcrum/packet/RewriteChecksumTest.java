package io.fulcrum.packet;

import io.fulcrum.packet.sys.PacketSocket;
import io.fulcrum.packet.wire.Checksums;
import io.fulcrum.packet.wire.Frames;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DNAT rewrite's incremental checksums against a plain full recomputation (RFC 1071 written
 * out here, independently of {@link Checksums}), over random IPv4/IPv6 TCP/UDP packets and
 * random new addresses and ports, for source and destination rewrites, and for packets whose
 * transport checksum a local sender left partial.
 */
class RewriteChecksumTest {

    /** A packet: family, protocol, payload, addresses and ports. */
    record Packet(boolean v6, boolean tcp, byte[] payload, byte[] src, byte[] dst, int srcPort, int dstPort) {
    }

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<Boolean> v6 = Arbitraries.of(true, false);
        return v6.flatMap(six -> Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300),
                Arbitraries.bytes().array(byte[].class).ofSize(six ? 16 : 4),
                Arbitraries.bytes().array(byte[].class).ofSize(six ? 16 : 4),
                Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535))
                .as((tcp, payload, src, dst, sp, dp) -> new Packet(six, tcp, payload, src, dst, sp, dp)));
    }

    @Property(tries = 400)
    void incrementalRewriteMatchesAFullRecomputation(@ForAll("packets") Packet p, @ForAll boolean source,
                                                     @ForAll byte[] seed, @ForAll @IntRange(max = 65535) int newPort,
                                                     @ForAll boolean partial) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(1024);
            Layout at = write(m, p);
            if (partial) {
                // What an offloading sender leaves: the folded pseudo-header sum, not complemented.
                Frames.put16(m, at.l4 + at.field, Checksums.fold(pseudo(m, at, p)));
            } else {
                Frames.put16(m, at.l4 + at.field, reference(m, at, p));
            }
            byte[] addr = new byte[p.v6 ? 16 : 4];
            for (int i = 0; i < addr.length; i++) {
                addr[i] = seed.length == 0 ? (byte) i : seed[i % seed.length];
            }
            long[] a;
            try {
                a = Frames.split(java.net.InetAddress.getByAddress(addr));
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
            Rewrite.address(m, 14, p.v6, p.tcp ? 6 : 17, at.l4, at.l4Length,
                    partial ? PacketSocket.TP_STATUS_CSUMNOTREADY : 0, source, a[0], a[1], newPort);

            assertThat(Frames.u16(m, at.l4 + at.field)).as("transport checksum").isEqualTo(reference(m, at, p));
            if (!p.v6) {
                int stored = Frames.u16(m, 24);
                Frames.put16(m, 24, 0);
                int full = ~fold(sumBytes(m, 14, 20)) & 0xFFFF;
                assertThat(stored).as("IPv4 header checksum").isEqualTo(full);
            }
        }
    }

    @Property(tries = 200)
    void anIpv4DatagramWithoutAChecksumStaysWithout(@ForAll @IntRange(max = 65535) int newPort) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(256);
            Packet p = new Packet(false, false, new byte[] {1, 2, 3}, new byte[] {10, 0, 0, 1},
                    new byte[] {10, 0, 0, 2}, 1000, 2000);
            Layout at = write(m, p);
            Frames.put16(m, at.l4 + 6, 0);
            Rewrite.address(m, 14, false, 17, at.l4, at.l4Length, 0, false, 0, Frames.V4_MAPPED | 0x0A000003L,
                    newPort);
            assertThat(Frames.u16(m, at.l4 + 6)).isZero();
            assertThat(Frames.u16(m, at.l4 + 2)).isEqualTo(newPort);
        }
    }

    private record Layout(long l4, int l4Length, int field) {
    }

    private static Layout write(MemorySegment m, Packet p) {
        int l4Header = p.tcp ? 20 : 8;
        int l4Length = l4Header + p.payload.length;
        long ip = 14;
        long l4;
        if (p.v6) {
            m.set(Frames.U32, ip, 0x6000_0000);
            Frames.put16(m, ip + 4, l4Length);
            m.set(ValueLayout.JAVA_BYTE, ip + 6, (byte) (p.tcp ? 6 : 17));
            m.set(ValueLayout.JAVA_BYTE, ip + 7, (byte) 64);
            MemorySegment.copy(p.src, 0, m, ValueLayout.JAVA_BYTE, ip + 8, 16);
            MemorySegment.copy(p.dst, 0, m, ValueLayout.JAVA_BYTE, ip + 24, 16);
            l4 = ip + 40;
        } else {
            m.set(ValueLayout.JAVA_BYTE, ip, (byte) 0x45);
            Frames.put16(m, ip + 2, 20 + l4Length);
            m.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) 64);
            m.set(ValueLayout.JAVA_BYTE, ip + 9, (byte) (p.tcp ? 6 : 17));
            MemorySegment.copy(p.src, 0, m, ValueLayout.JAVA_BYTE, ip + 12, 4);
            MemorySegment.copy(p.dst, 0, m, ValueLayout.JAVA_BYTE, ip + 16, 4);
            Frames.put16(m, ip + 10, ~fold(sumBytes(m, ip, 20)) & 0xFFFF);
            l4 = ip + 20;
        }
        Frames.put16(m, l4, p.srcPort);
        Frames.put16(m, l4 + 2, p.dstPort);
        if (p.tcp) {
            m.set(ValueLayout.JAVA_BYTE, l4 + 12, (byte) 0x50);
            m.set(ValueLayout.JAVA_BYTE, l4 + 13, (byte) 0x18);
        } else {
            Frames.put16(m, l4 + 4, l4Length);
        }
        MemorySegment.copy(p.payload, 0, m, ValueLayout.JAVA_BYTE, l4 + l4Header, p.payload.length);
        return new Layout(l4, l4Length, p.tcp ? 16 : 6);
    }

    /** The pseudo-header's sum. */
    private static long pseudo(MemorySegment m, Layout at, Packet p) {
        long s = p.v6 ? sumBytes(m, 22, 32) : sumBytes(m, 26, 8);
        return s + (p.tcp ? 6 : 17) + at.l4Length;
    }

    /** The right transport checksum of the packet as it is now, from scratch. */
    private static int reference(MemorySegment m, Layout at, Packet p) {
        int saved = Frames.u16(m, at.l4 + at.field);
        Frames.put16(m, at.l4 + at.field, 0);
        int c = ~fold(pseudo(m, at, p) + sumBytes(m, at.l4, at.l4Length)) & 0xFFFF;
        Frames.put16(m, at.l4 + at.field, saved);
        return !p.tcp && c == 0 ? 0xFFFF : c;
    }

    private static long sumBytes(MemorySegment m, long off, int len) {
        long s = 0;
        for (int i = 0; i < len; i++) {
            int b = m.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF;
            s += (i % 2 == 0) ? b << 8 : b;
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }
}
