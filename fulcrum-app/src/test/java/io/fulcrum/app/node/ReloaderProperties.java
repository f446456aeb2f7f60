package io.fulcrum.app.node;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.reload.ConfigChanges;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.control.reload.RestartRequiredFields;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.testsupport.FreePorts;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one reloader against a real node, for generated pairs of configurations A and B
 * (server settings, listeners, pools with their protocol, PROXY header and backends, L4
 * timeouts and a virtual service, a DNS zone): with A serving, offering B is reported
 * "unchanged" exactly when B equals A, and afterwards the node's configuration in effect is
 * B (its fields read only at start keep the values the node started with, and the result
 * names them when B changes them).
 */
class ReloaderProperties {

    private static FulcrumNode node;
    private static FulcrumConfig startedWith;
    private static int l4Port;
    private static final java.util.Map<String, Integer> listenerPorts = new java.util.HashMap<>();
    private static int dnsPort;

    /** What a generated configuration is made of; equal knobs give equal configurations. */
    record Knobs(int eventLoopThreads, String shutdownGrace, List<String> listeners, String algorithm,
                 String protocol, String proxyProtocol, List<Integer> weights, boolean extraPool,
                 String l4Idle, boolean virtualService, String dnsValue) {
    }

    @BeforeContainer
    static void startNode() throws Exception {
        l4Port = FreePorts.tcp();
        listenerPorts.put("web", FreePorts.tcp());
        listenerPorts.put("api", FreePorts.tcp());
        dnsPort = FreePorts.tcpAndUdp("127.0.0.1");
        startedWith = ConfigLoader.parse(yaml(new Knobs(1, "5s", List.of("web"), "round-robin", "http/1.1", "none",
                List.of(1), false, null, false, "192.0.2.10")), "start");
        node = FulcrumNode.create(startedWith, null);
        node.start();
    }

    @AfterContainer
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Property(tries = 60)
    void unchangedExactlyWhenEqualAndTheNodeThenRunsB(@ForAll("pairs") Tuple.Tuple2<Knobs, Knobs> pair)
            throws Exception {
        FulcrumConfig a = ConfigLoader.parse(yaml(pair.get1()), "a");
        FulcrumConfig b = ConfigLoader.parse(yaml(pair.get2()), "b");
        ReloadResult toA = node.offer(a, "generated A", "property");
        assertThat(toA.succeeded()).as(toA.message()).isTrue();

        ReloadResult toB = node.offer(b, "generated B", "property");

        assertThat(toB.succeeded()).as(toB.message()).isTrue();
        assertThat(toB.outcome() == ReloadResult.Outcome.UNCHANGED).as(toB.message()).isEqualTo(a.equals(b));
        FulcrumConfig expected = RestartRequiredFields.keep(startedWith, b);
        assertThat(node.config()).isEqualTo(expected);
        assertThat(node.proxy().runtime().config()).isEqualTo(expected);
        assertThat(node.proxy().boundAddresses().keySet())
                .containsExactlyElementsOf(b.listeners().stream().map(l -> l.name()).toList());
        ConfigChanges changes = toB.changes();
        boolean threadsChanged = !a.server().eventLoopThreads().equals(b.server().eventLoopThreads());
        assertThat(changes.restartRequired().contains("server.eventLoopThreads")).isEqualTo(threadsChanged);
    }

    @Provide
    Arbitrary<Tuple.Tuple2<Knobs, Knobs>> pairs() {
        Arbitrary<Knobs> knobs = knobs();
        Arbitrary<Tuple.Tuple2<Knobs, Knobs>> same = knobs.map(k -> Tuple.of(k, k));
        Arbitrary<Tuple.Tuple2<Knobs, Knobs>> independent = Combinators.combine(knobs, knobs).as(Tuple::of);
        Arbitrary<Tuple.Tuple2<Knobs, Knobs>> oneApart = Combinators.combine(knobs, knobs, Arbitraries.integers()
                .between(0, 10)).as((k, other, which) -> Tuple.of(k, mix(k, other, which)));
        return Arbitraries.frequencyOf(Tuple.of(1, same), Tuple.of(1, independent), Tuple.of(3, oneApart));
    }

    /** {@code k} with the one knob numbered {@code which} taken from {@code other}. */
    private static Knobs mix(Knobs k, Knobs o, int which) {
        return new Knobs(which == 0 ? o.eventLoopThreads() : k.eventLoopThreads(),
                which == 1 ? o.shutdownGrace() : k.shutdownGrace(), which == 2 ? o.listeners() : k.listeners(),
                which == 3 ? o.algorithm() : k.algorithm(), which == 4 ? o.protocol() : k.protocol(),
                which == 5 ? o.proxyProtocol() : k.proxyProtocol(), which == 6 ? o.weights() : k.weights(),
                which == 7 ? o.extraPool() : k.extraPool(), which == 8 ? o.l4Idle() : k.l4Idle(),
                which == 9 ? o.virtualService() : k.virtualService(), which == 10 ? o.dnsValue() : k.dnsValue());
    }

    private static Arbitrary<Knobs> knobs() {
        Arbitrary<Integer> threads = Arbitraries.of(1, 2);
        Arbitrary<String> grace = Arbitraries.of("1s", "5s", "10s");
        Arbitrary<List<String>> listeners = Arbitraries.of(List.of("web"), List.of("web", "api"), List.of("api"));
        Arbitrary<String> algorithm = Arbitraries.of("round-robin", "least-connections");
        Arbitrary<String> protocol = Arbitraries.of("http/1.1", "h2c");
        Arbitrary<String> proxy = Arbitraries.of("none", "v1", "v2");
        Arbitrary<List<Integer>> weights = Arbitraries.integers().between(1, 3).list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<Boolean> bools = Arbitraries.of(true, false);
        Arbitrary<String> idle = Arbitraries.of("5s", "30s").injectNull(0.3);
        Arbitrary<String> dns = Arbitraries.of("192.0.2.10", "192.0.2.99");
        List<Arbitrary<Object>> parts = List.of(any(threads), any(grace), any(listeners), any(algorithm),
                any(protocol), any(proxy), any(weights), any(bools), any(idle), any(bools), any(dns));
        return Combinators.combine(parts).as(v -> {
                    @SuppressWarnings("unchecked")
                    Knobs k = new Knobs((Integer) v.get(0), (String) v.get(1), (List<String>) v.get(2),
                            (String) v.get(3), (String) v.get(4), (String) v.get(5), (List<Integer>) v.get(6),
                            (Boolean) v.get(7), (String) v.get(8), (Boolean) v.get(9), (String) v.get(10));
                    return k;
                });
    }

    private static Arbitrary<Object> any(Arbitrary<?> a) {
        return a.map(o -> (Object) o);
    }

    private static String yaml(Knobs k) {
        StringBuilder y = new StringBuilder("server:\n  host: node-1\n  eventLoopThreads: " + k.eventLoopThreads()
                + "\n  shutdownGrace: " + k.shutdownGrace() + "\naccessLog:\n  enabled: false\nlisteners:\n");
        for (String l : k.listeners()) {
            y.append("  - name: ").append(l).append("\n    bind: 127.0.0.1:").append(listenerPorts.get(l))
                    .append("\n    routes: [{name: all, pool: app}]\n");
        }
        y.append("pools:\n  - name: app\n    algorithm: ").append(k.algorithm())
                .append("\n    protocol: ").append(k.protocol())
                .append("\n    proxyProtocol: ").append(k.proxyProtocol()).append("\n    backends:\n");
        for (int i = 0; i < k.weights().size(); i++) {
            y.append("      - {name: b").append(i).append(", address: \"127.0.0.1:").append(20001 + i)
                    .append("\", weight: ").append(k.weights().get(i)).append("}\n");
        }
        if (k.extraPool()) {
            y.append("  - name: extra\n    backends:\n      - {name: x, address: \"127.0.0.1:20009\"}\n");
        }
        if (k.l4Idle() != null) {
            y.append("l4Timeouts:\n  idle: ").append(k.l4Idle()).append('\n');
        }
        if (k.virtualService()) {
            y.append("virtualServices:\n  - name: tcp\n    vips: [127.0.0.1]\n    listeners:\n      - {port: ")
                    .append(l4Port).append(", pool: app}\n");
        }
        y.append("dns:\n  listen: [\"127.0.0.1:").append(dnsPort).append("\"]\n  zones:\n    - name: example.test\n")
                .append("      soa: {mname: ns1.example.test., rname: hostmaster@example.test}\n")
                .append("      records:\n        - {name: www, type: A, value: ").append(k.dnsValue()).append("}\n");
        return y.toString();
    }
}
