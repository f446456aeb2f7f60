package io.fulcrum.cluster.controller;

import io.fulcrum.cluster.stats.BackendStats;
import io.fulcrum.cluster.stats.NodeStats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Sums the nodes' statistics per backend and per pool (pure: no clock, no I/O). */
public final class StatsAggregator {

    private StatsAggregator() {
    }

    /** Per pool name, in name order. */
    public static Map<String, PoolAggregate> aggregate(Collection<NodeStats> nodes) {
        Map<String, Map<String, List<BackendStats>>> byPool = new TreeMap<>();
        Map<String, Set<String>> nodesByPool = new TreeMap<>();
        for (NodeStats n : nodes) {
            for (BackendStats b : n.backends()) {
                byPool.computeIfAbsent(b.pool(), k -> new TreeMap<>()).computeIfAbsent(b.backend(), k -> new ArrayList<>()).add(b);
                nodesByPool.computeIfAbsent(b.pool(), k -> new HashSet<>()).add(n.node());
            }
        }
        Map<String, PoolAggregate> out = new TreeMap<>();
        for (var pool : byPool.entrySet()) {
            double total = 0;
            for (List<BackendStats> l : pool.getValue().values()) {
                for (BackendStats b : l) {
                    total += b.requests();
                }
            }
            List<BackendAggregate> backends = new ArrayList<>();
            for (var e : pool.getValue().entrySet()) {
                backends.add(backend(e.getKey(), e.getValue(), total));
            }
            out.put(pool.getKey(), new PoolAggregate(pool.getKey(), nodesByPool.get(pool.getKey()).size(), total, backends));
        }
        return out;
    }

    private static BackendAggregate backend(String name, List<BackendStats> l, double poolRequests) {
        double newFlows = 0, requests = 0, in = 0, out = 0, errors = 0, retrans = 0, p99 = 0, p50Weighted = 0;
        double rttSum = 0;
        int active = 0, rttNodes = 0;
        for (BackendStats b : l) {
            newFlows += b.newFlows();
            active += b.activeFlows();
            requests += b.requests();
            in += b.bytesIn();
            out += b.bytesOut();
            errors += b.errors();
            retrans += b.retransmits();
            p99 = Math.max(p99, b.p99Millis());
            p50Weighted += b.p50Millis() * b.requests();
            if (b.rttMillis() > 0) {
                rttSum += b.rttMillis();
                rttNodes++;
            }
        }
        return new BackendAggregate(name, l.size(), newFlows, active, requests, in, out, errors,
                requests > 0 ? p50Weighted / requests : 0, p99, rttNodes > 0 ? rttSum / rttNodes : 0, retrans,
                poolRequests > 0 ? 100.0 * requests / poolRequests : 0);
    }
}
