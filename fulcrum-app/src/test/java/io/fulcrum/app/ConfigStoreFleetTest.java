package io.fulcrum.app;

import io.fulcrum.testsupport.Closer;
import io.fulcrum.app.StoreFleet.Node;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FulcrumProcess;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.fulcrum.app.StoreFleet.WITHIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real Fulcrum processes following one real etcd: what {@code fulcrum ctl config push}
 * writes serves on every node, and traffic goes on while etcd is down.
 */
class ConfigStoreFleetTest {

    @TempDir
    Path dir;

    @AutoClose
    final Closer closer = new Closer();


    @Test
    void aPushServesOnThreeNodesAndTrafficOutlivesEtcd() throws Exception {
        EtcdProcess etcd = closer.add(EtcdProcess.single());
        NamedBackend a = closer.add(NamedBackend.start("a"));
        NamedBackend b = closer.add(NamedBackend.start("b"));
        StoreFleet fleet = closer.add(new StoreFleet(dir, "/fleet", List.of(etcd.endpoint())));
        fleet.startAll();

        // Nothing in etcd yet: the nodes run on their bootstrap. A push reaches all three.
        fleet.push(a);
        fleet.awaitServingEverywhere("a");
        fleet.push(b);
        fleet.awaitServingEverywhere("b");

        // etcd dies: every node keeps serving what it has, not one request fails.
        etcd.kill();
        int[] ports = fleet.proxyPorts();
        int failed = 0;
        for (int i = 0; i < 150; i++) {
            String answer;
            try {
                answer = fleet.get(ports[i % 3]);
            } catch (IOException e) {
                answer = e.toString();
            }
            if (!answer.equals("200 b")) {
                failed++;
            }
        }
        assertThat(failed).isZero();

        // A node restarted while etcd is down serves the snapshot it kept.
        Node second = fleet.node(1);
        FulcrumProcess restarted = second.process();
        restarted.kill();
        restarted.start();
        restarted.awaitOutput("starting from revision", 1, WITHIN);
        assertThat(restarted.tail()).contains("(the local snapshot: the store is unreachable)");
        fleet.awaitServing(second, "b");

        // etcd comes back: a change made now reaches every node, the restarted one too.
        etcd.restart();
        fleet.push(a);
        fleet.awaitServingEverywhere("a");
    }
}
