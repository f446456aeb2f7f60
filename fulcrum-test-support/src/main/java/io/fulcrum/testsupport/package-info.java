/**
 * Test support shared by every module: a JUnit extension that fails a test class on a Netty
 * buffer leak, ports for listeners that no other socket will take first, and real processes
 * for fleet tests: etcd members ({@link io.fulcrum.testsupport.EtcdProcess},
 * {@link io.fulcrum.testsupport.EtcdCluster}) and Fulcrum nodes in JVMs of their own
 * ({@link io.fulcrum.testsupport.FulcrumProcess}).
 */
package io.fulcrum.testsupport;
