package io.fulcrum.cluster.member;

import io.etcd.jetcd.ByteSequence;
import io.fulcrum.cluster.etcd.EtcdClients;

/**
 * Where the cluster keeps its keys under the etcd prefix: members under
 * {@code <prefix>/cluster/members/<id>}, the leader at {@code <prefix>/cluster/leader}.
 *
 * @param prefix the {@code etcd.prefix} setting, without a trailing slash
 */
public record ClusterKeys(String prefix) {

    public ClusterKeys {
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
    }

    /** The prefix every member key starts with (ends with a slash). */
    public ByteSequence members() {
        return EtcdClients.bytes(prefix + "/cluster/members/");
    }

    /** One member's key. */
    public ByteSequence member(String id) {
        return EtcdClients.bytes(prefix + "/cluster/members/" + id);
    }

    /** The key the elected leader holds. */
    public ByteSequence leader() {
        return EtcdClients.bytes(prefix + "/cluster/leader");
    }
}
