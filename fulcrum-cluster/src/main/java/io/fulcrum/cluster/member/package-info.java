/** Membership: this node's lease and registration, and every node's view of the members. */
package io.fulcrum.cluster.member;
