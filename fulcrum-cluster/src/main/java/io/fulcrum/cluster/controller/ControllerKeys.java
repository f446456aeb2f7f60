package io.fulcrum.cluster.controller;

/**
 * Where the controller's data lives under the cluster prefix:
 * {@code <prefix>/stats/<node>} (each node's statistics, under its lease),
 * {@code <prefix>/controller/pools/<pool>} (the publication for one pool: only the nodes
 * serving that pool watch it), {@code <prefix>/scale/pools/<pool>} (the autoscaler's intent for one
 * pool, written by the leader), {@code <prefix>/scale/operator/<pool>} (the operator's pause, size and
 * protections of one autoscaled pool, written through any member's admin API), {@code <prefix>/scale/proxies}
 * (the proxy tier's intent, written by the leader, read by every node: a node it names draining drains).
 *
 * @param prefix the cluster prefix ({@code store.etcd.prefix})
 */
public record ControllerKeys(String prefix) {

    public ControllerKeys {
        prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    public String statsPrefix() {
        return prefix + "/stats/";
    }

    public String stats(String node) {
        return statsPrefix() + node;
    }

    public String pool(String pool) {
        return prefix + "/controller/pools/" + pool;
    }

    public String scaleIntent(String pool) {
        return prefix + "/scale/pools/" + pool;
    }

    public String scaleProxies() {
        return prefix + "/scale/proxies";
    }

    public String scaleOperator(String pool) {
        return prefix + "/scale/operator/" + pool;
    }
}
