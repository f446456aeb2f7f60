package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.HashKeyConfig;
import io.fulcrum.core.extension.ExtensionConfig;

import java.util.ArrayList;
import java.util.List;

/** Builds test pools. */
final class Pools {

    private Pools() {
    }

    /** Backends named b0, b1, ... with the given weights, all UP. */
    static List<Backend> backends(int... weights) {
        List<Backend> out = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            out.add(new Backend("pool", "b" + i, "10.1.0." + i, 8080, i, weights[i]));
        }
        return out;
    }

    static BalancerSpec spec(List<Backend> backends) {
        return BalancerSpec.of(backends);
    }

    static BalancerSpec spec(List<Backend> backends, int weightBound) {
        return new BalancerSpec(backends, weightBound, "local", "localhost");
    }

    /** {@code maglev} or {@code ring-hash} hashing {@code key}, other settings at their defaults. */
    static LoadBalancer hashing(String algorithm, HashKeyConfig key, List<Backend> backends) {
        Record settings = algorithm.equals("maglev") ? new MaglevSettings(key, null) : new RingHashSettings(key, null);
        return BalancerRegistry.create(new ExtensionConfig<>(algorithm, settings), spec(backends));
    }

    static LoadBalancer create(String name, List<Backend> backends) {
        return BalancerRegistry.create(name, spec(backends));
    }

    /** Ejects {@code b} for a minute from {@link TestContext#NOW}. */
    static void eject(Backend b) {
        b.recordFailure(TestContext.NOW, 1, 60_000_000_000L, 60_000_000_000L);
    }

    /** Makes {@code b} full: one active request, at most one. */
    static void fill(Backend b) {
        b.setMaxConnections(1);
        b.requestStarted();
    }

    /** Makes {@code b} unselectable in one of six ways, chosen by {@code how}. */
    static void makeUnselectable(Backend b, int how) {
        switch (Math.floorMod(how, 6)) {
            case 0 -> b.setState(BackendState.DOWN);
            case 1 -> b.setState(BackendState.DRAINING);
            case 2 -> b.setState(BackendState.DISABLED);
            case 3 -> eject(b);
            case 4 -> fill(b);
            default -> b.setWeight(0);
        }
    }
}
