package io.fulcrum.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real etcd cluster of several members on loopback (three by default), for fault tests:
 * members can be killed and restarted one by one or all at once, on their data.
 */
public final class EtcdCluster implements AutoCloseable {

    private final List<EtcdProcess> members;
    private final Path home;

    private EtcdCluster(List<EtcdProcess> members, Path home) {
        this.members = List.copyOf(members);
        this.home = home;
    }

    /** Three members, started and healthy. */
    public static EtcdCluster threeMembers() {
        return start(3);
    }

    /** {@code size} members, started and healthy. */
    public static EtcdCluster start(int size) {
        Path home;
        try {
            home = Files.createTempDirectory("fulcrum-etcd-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<EtcdProcess> members = new ArrayList<>();
        String host = "127.0.0.1";
        for (int i = 0; i < size; i++) {
            Path dir = home.resolve("m" + i);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            members.add(new EtcdProcess("m" + i, host, FreePorts.tcp(host), FreePorts.tcp(host), dir));
        }
        String initial = members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
        String token = "fulcrum-test-" + home.getFileName();
        EtcdCluster cluster = new EtcdCluster(members, home);
        try {
            for (EtcdProcess m : members) {
                m.joinCluster(initial, token);
                m.start();
            }
            cluster.awaitHealthy();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The members, in order. */
    public List<EtcdProcess> members() {
        return members;
    }

    /** Member {@code i}. */
    public EtcdProcess member(int i) {
        return members.get(i);
    }

    /** Every member's client URL. */
    public List<String> endpoints() {
        return members.stream().map(EtcdProcess::endpoint).toList();
    }

    /** Kills every member with SIGKILL (the whole store down at once). */
    public void killAll() {
        members.forEach(EtcdProcess::kill);
    }

    /** Starts every stopped member again on its data and waits until all are healthy. */
    public void restartAll() {
        for (EtcdProcess m : members) {
            if (!m.isRunning()) {
                m.start();
            }
        }
        awaitHealthy();
    }

    /** Waits until every running member is healthy. */
    public void awaitHealthy() {
        for (EtcdProcess m : members) {
            if (m.isRunning()) {
                m.awaitHealthy();
            }
        }
    }

    /** Kills every member and deletes their data. */
    @Override
    public void close() {
        members.forEach(EtcdProcess::kill);
        EtcdProcess.deleteTree(home);
    }
}
