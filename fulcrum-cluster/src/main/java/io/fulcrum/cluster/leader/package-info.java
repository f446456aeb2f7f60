/** Which node leads the cluster, and the revision that fences the leader's writes. */
package io.fulcrum.cluster.leader;
