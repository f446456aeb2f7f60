/** What the rest of a node reads about its cluster (which members are alive), without depending on etcd. */
package io.fulcrum.core.cluster;
