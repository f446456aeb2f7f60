package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.cluster.ControlledPoolConfig;
import io.fulcrum.core.config.cluster.ControllerConfig;
import io.fulcrum.core.config.cluster.StickyPeersConfig;

import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The rules of the {@code controller} and {@code stickyPeers} sections: the controller needs
 * etcd ({@code store.etcd}), drives only pools that exist, with a known mode and policy and a
 * sane weight range; sticky peers are {@code host:port} addresses.
 */
final class ClusterConfigValidator {

    static final Set<String> MODES = Set.of("weights", "aggregates");
    static final Set<String> POLICIES = Set.of("manager", "congestion");

    private ClusterConfigValidator() {
    }

    static void check(FulcrumConfig c, BiConsumer<String, String> error) {
        checkController(c, c.controller(), error);
        checkPeers(c.stickyPeers(), error);
    }

    private static void checkController(FulcrumConfig c, ControllerConfig ctl, BiConsumer<String, String> error) {
        if (!ctl.enabled()) {
            return;
        }
        if (c.store().etcd() == null) {
            error.accept("controller.enabled", "the controller needs etcd: add a store.etcd section");
        }
        if (ctl.interval().toMillis() < 100) {
            error.accept("controller.interval", "must be at least 100ms");
        }
        if (ctl.leaseTtl().toSeconds() < 2 || ctl.leaseTtl().compareTo(ctl.interval().multipliedBy(2)) < 0) {
            error.accept("controller.leaseTtl", "must be at least 2s and at least twice controller.interval");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ctl.pools().size(); i++) {
            String p = SourceMap.index("controller.pools", i);
            ControlledPoolConfig pc = ctl.pools().get(i);
            if (pc.name() == null || c.pool(pc.name()) == null) {
                error.accept(SourceMap.field(p, "name"), "unknown pool \"" + pc.name() + "\"");
            } else if (!seen.add(pc.name())) {
                error.accept(SourceMap.field(p, "name"), "pool \"" + pc.name() + "\" is listed twice");
            }
            if (!MODES.contains(pc.mode())) {
                error.accept(SourceMap.field(p, "mode"), "must be weights or aggregates, not \"" + pc.mode() + "\"");
            }
            if (!POLICIES.contains(pc.policy())) {
                error.accept(SourceMap.field(p, "policy"), "must be manager or congestion, not \"" + pc.policy() + "\"");
            }
            if (pc.minWeight() < 1 || pc.maxWeight() < pc.minWeight() || pc.maxWeight() > 1_000_000) {
                error.accept(SourceMap.field(p, "maxWeight"), "need 1 <= minWeight <= maxWeight <= 1000000");
            }
            if (!(pc.smoothing() >= 1)) {
                error.accept(SourceMap.field(p, "smoothing"), "must be at least 1");
            }
            if (pc.threshold() < 0 || pc.threshold() > 100) {
                error.accept(SourceMap.field(p, "threshold"), "must be a percentage, 0 to 100");
            }
            if (pc.validFrom().isNegative()) {
                error.accept(SourceMap.field(p, "validFrom"), "must not be negative");
            }
        }
    }

    private static void checkPeers(StickyPeersConfig peers, BiConsumer<String, String> error) {
        if (peers.listen() == null) {
            if (!peers.peers().isEmpty()) {
                error.accept("stickyPeers.listen", "required when stickyPeers.peers is given");
            }
            return;
        }
        // The addresses themselves were parsed (and refused with their line) by the binder.
    }
}
