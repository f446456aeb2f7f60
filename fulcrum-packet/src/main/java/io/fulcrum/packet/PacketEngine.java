package io.fulcrum.packet;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.l4.ConnectionTableSource.ConnectionEntry;
import io.fulcrum.nativeio.Libc;
import io.fulcrum.packet.sys.PacketCalls;
import io.fulcrum.packet.sys.PacketSocket;
import io.fulcrum.packet.wire.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The packet path of one network interface: its own platform thread (apart from the proxy's
 * event loops) that owns the {@link PacketSocket}, the connection table, the ARP/NDP responder
 * and the neighbour resolver. Frames are taken from the ring in batches; other threads
 * hand it work (a new service table, a purge) through a queue it runs between batches.
 */
final class PacketEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PacketEngine.class);
    private static final int BLOCK_SIZE = 1 << 16;
    /** 2048 receive slots, 256 transmit slots (a receive batch is at most 256 frames). */
    private static final int RX_BLOCKS = 64;
    private static final int TX_BLOCKS = 8;
    private static final int FRAME_SIZE = 2048;
    private static final int POLL_MILLIS = 10;

    private final String interfaceName;
    private final String netns;
    private final PacketCpu cpu;
    private final Thread thread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PacketFlowTable flows = new PacketFlowTable(1024);
    private final Arena arena = Arena.ofShared();
    private volatile ServiceTable table = ServiceTable.EMPTY;
    private volatile boolean running = true;
    private volatile long sweepNanos = 1_000_000_000L;
    private volatile long mac;
    /** The thread's kernel id and the CPU it is pinned to (-1: not pinned), once started. */
    private volatile int tid;
    private volatile int pinnedCpu = -1;
    private PacketSocket socket;
    private VipResponder responder;
    private NeighbourResolver neighbours;
    private Forwarder forwarder;

    /**
     * @param netns a namespace file ({@code /run/netns/NAME}) the thread enters first, or null for
     *              the process's own namespace (a balancer started inside {@code ip netns exec})
     * @param cpu   where the thread runs
     */
    PacketEngine(String interfaceName, String netns, PacketCpu cpu) {
        this.interfaceName = interfaceName;
        this.netns = netns;
        this.cpu = cpu;
        this.thread = Thread.ofPlatform().name("fulcrum-packet-" + interfaceName).daemon().unstarted(this::run);
    }

    /** Opens the socket on the thread and waits until it is ready; fails with the reason if it cannot. */
    void start() throws IOException {
        thread.start();
        try {
            started.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("packet mode on " + interfaceName + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + interfaceName, e);
        } catch (TimeoutException e) {
            throw new IOException("packet mode on " + interfaceName + " did not start within 10 s", e);
        }
    }

    private void run() {
        try {
            tid = Libc.gettid();
            pinnedCpu = cpu.pinCallingThread();
            if (netns != null) {
                PacketCalls.enterNetns(netns);
            }
            socket = PacketSocket.open(interfaceName, BLOCK_SIZE, RX_BLOCKS, TX_BLOCKS, FRAME_SIZE);
        } catch (IOException | RuntimeException e) {
            arena.close();
            started.completeExceptionally(e);
            return;
        }
        mac = socket.mac();
        responder = new VipResponder(socket, arena.allocate(128, 8));
        neighbours = new NeighbourResolver(socket, arena.allocate(128, 8));
        forwarder = new Forwarder(mac, flows);
        LOG.info("packet path on {} (MAC {}) running on {}", interfaceName, Frames.formatMac(mac),
                pinnedCpu < 0 ? "any CPU" : "CPU " + pinnedCpu);
        started.complete(null);
        long lastSweep = System.nanoTime();
        try {
            while (running) {
                socket.receive(this::frame, POLL_MILLIS, flows);
                Runnable r;
                while ((r = tasks.poll()) != null) {
                    synchronized (flows) {
                        r.run();
                    }
                }
                long now = System.nanoTime();
                neighbours.solicit(table, now);
                if (now - lastSweep >= sweepNanos) {
                    lastSweep = now;
                    synchronized (flows) {
                        flows.sweep(now);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("packet path on {} stopped: {}", interfaceName, e.toString());
        } finally {
            socket.close();
            arena.close();
        }
    }

    private int frame(MemorySegment m, long off, int len, int pktType, int status) {
        if (pktType == PacketSocket.PACKET_OUTGOING || len < Frames.ETH_HEADER) {
            return PacketSocket.PASS;
        }
        ServiceTable t = table;
        int type = Frames.u16(m, off + Frames.ETH_TYPE);
        if (type == Frames.TYPE_ARP) {
            neighbours.arp(m, off, len, t);
            responder.arp(m, off, len, t);
            return PacketSocket.PASS;
        }
        if (type == Frames.TYPE_IPV6 && len >= 54 + 4 && Frames.u8(m, off + 20) == Frames.PROTO_ICMPV6) {
            long icmp = off + 54;
            int icmpLength = Math.min(Frames.u16(m, off + 18), len - 54);
            int icmpType = Frames.u8(m, icmp);
            if (icmpType == 135) {
                responder.solicitation(m, off, icmp, icmpLength, t);
            } else if (icmpType == 136) {
                neighbours.advertisement(m, off, icmp, icmpLength, t);
            }
            return PacketSocket.PASS;
        }
        if (pktType != PacketSocket.PACKET_HOST || (type != Frames.TYPE_IPV4 && type != Frames.TYPE_IPV6)) {
            return PacketSocket.PASS;
        }
        return forwarder.frame(m, off, len, status, t, System.nanoTime());
    }

    /** Serves a new table from the next block on; announces the VIPs it takes. */
    void publish(ServiceTable next, long sweepEveryNanos) {
        sweepNanos = sweepEveryNanos;
        tasks.add(() -> {
            ServiceTable before = table;
            table = next;
            for (long[] vip : next.vips) {
                if (!before.ownsVip(vip[0], vip[1])) {
                    responder.announce(vip[0], vip[1]);
                    LOG.info("packet path on {} takes VIP {}", interfaceName, Frames.format(vip[0], vip[1]));
                }
            }
        });
    }

    /** A failed backend: its entries go (its flows cannot continue elsewhere). */
    void purge(Backend b) {
        tasks.add(() -> {
            int n = flows.purge(b);
            if (n > 0) {
                LOG.info("packet path on {}: {} flow(s) of failed backend {} purged", interfaceName, n, b);
            }
        });
    }

    /** Whether every member of the current table has a known MAC address. */
    boolean resolved() {
        for (PacketBackend b : table.backends) {
            if (b.mac == 0) {
                return false;
            }
        }
        return true;
    }

    String interfaceName() {
        return interfaceName;
    }

    /** The packet thread's kernel thread id (0 before start), as in {@code /proc/self/task/ID}. */
    int threadId() {
        return tid;
    }

    /** The CPU the packet thread is pinned to, -1 when it is not. */
    int pinnedCpu() {
        return pinnedCpu;
    }

    /** The interface's MAC address (0 before start). */
    long mac() {
        return mac;
    }

    /** Frames sent and received by the socket, for tests and the status view. */
    long framesSent() {
        PacketSocket s = socket;
        return s == null ? 0 : s.framesSent();
    }

    long framesReceived() {
        PacketSocket s = socket;
        return s == null ? 0 : s.framesReceived();
    }

    /** Up to {@code limit} entries, oldest first. */
    List<ConnectionEntry> snapshot(int limit) {
        long now = System.nanoTime();
        List<PacketFlow> all = new ArrayList<>();
        List<ConnectionEntry> out = new ArrayList<>();
        synchronized (flows) {
            flows.forEach(all::add);
            all.sort(Comparator.comparingLong(f -> f.startedNanos));
            for (PacketFlow f : all) {
                if (out.size() >= limit) {
                    break;
                }
                out.add(new ConnectionEntry(f.listener.service(), f.listener.vip, f.listener.port,
                        f.protocol == Frames.PROTO_TCP ? "tcp" : "udp",
                        hostPort(Frames.format(f.clientHi, f.clientLo), f.clientPort), f.backend.toString(),
                        f.state.name(), (now - f.startedNanos) / 1_000_000, (now - f.lastNanos) / 1_000_000,
                        f.bytesIn, f.bytesOut));
            }
        }
        return out;
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Gives every VIP up (no more answers) and stops the thread. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
