/** The jetcd client as every cluster part builds it: endpoints, TLS, authentication, back-off. */
package io.fulcrum.cluster.etcd;
