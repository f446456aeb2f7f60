package io.fulcrum.nativeio;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kernel's socket addresses: a socket bound through {@link SocketAddresses} is bound where
 * asked (read back with {@code getsockname}), and that address is really taken.
 */
class SocketAddressesTest {

    @Test
    void anIpv4AddressAndPortBindARealSocketThere() throws Exception {
        InetSocketAddress bound = bindAndReadBack(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        assertThat(bound.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(bound.getPort()).isBetween(1, 65535);
    }

    @Test
    void anIpv6AddressAndPortBindARealSocketThere() throws Exception {
        InetSocketAddress bound = bindAndReadBack(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        assertThat(bound.getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(bound.getPort()).isBetween(1, 65535);
    }

    @Test
    void aPortAboveHalfTheRangeKeepsItsNetworkOrder() throws Exception {
        // A port above 32767 is negative as a Java short: a wrong byte order or sign shows here.
        for (int tries = 0; ; tries++) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
                port = probe.getLocalPort();
            }
            if (port < 32768 && tries < 50) {
                continue; // the kernel's ephemeral range is usually 32768-60999: this rarely repeats
            }
            InetSocketAddress asked = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
            assertThat(bindAndReadBack(asked)).isEqualTo(asked);
            return;
        }
    }

    @Test
    void theEncodingIsTheKernelsLayout() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(SocketAddresses.SIZE, 8);
            int len = SocketAddresses.encode(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1F90), m);
            assertThat(len).isEqualTo(16);
            assertThat(m.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE))
                    .containsExactly(Libc.AF_INET, 0, 0x1F, (byte) 0x90, 10, 1, 2, 3);
            len = SocketAddresses.encode(new InetSocketAddress(InetAddress.getByName("fd99::100"), 443), m);
            assertThat(len).isEqualTo(28);
            assertThat(m.get(ValueLayout.JAVA_SHORT, 0)).isEqualTo((short) Libc.AF_INET6);
            assertThat(m.asSlice(2, 2).toArray(ValueLayout.JAVA_BYTE)).containsExactly(1, (byte) 0xBB);
            assertThat(m.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE))
                    .containsExactly(InetAddress.getByName("fd99::100").getAddress());
            assertThat(SocketAddresses.decode(m)).isEqualTo(new InetSocketAddress("fd99::100", 443));
        }
    }

    @Test
    void theAddressReadBackIsTakenByTheSocket() throws Exception {
        int fd = Libc.socket(Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try {
            SocketAddresses.bind(fd, new InetSocketAddress(InetAddress.getByName("::1"), 0));
            InetSocketAddress bound = SocketAddresses.local(fd);
            // A second socket cannot have it, through FFM or the JDK: the first really is bound there.
            assertThatThrownBy(() -> new DatagramSocket(bound)).isInstanceOf(java.net.BindException.class);
            int other = Libc.socket(Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            try {
                assertThatThrownBy(() -> SocketAddresses.bind(other, bound))
                        .hasMessageStartingWith("bind: ").hasMessageContaining("errno 98");
            } finally {
                Libc.close(other);
            }
        } finally {
            Libc.close(fd);
        }
    }

    private static InetSocketAddress bindAndReadBack(InetSocketAddress address) throws Exception {
        boolean v4 = address.getAddress().getAddress().length == 4;
        int fd = Libc.socket(v4 ? Libc.AF_INET : Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try {
            SocketAddresses.bind(fd, address);
            return SocketAddresses.local(fd);
        } finally {
            Libc.close(fd);
        }
    }
}
