/**
 * Test support shared by every module: a JUnit extension that fails a test class on a Netty
 * buffer leak, ports for listeners that no other socket will take first, and the fixtures
 * more than one module's tests need (certificates made with openssl, a raw HTTP/1.1 client,
 * small loopback backends, and real processes for fleet tests: etcd members
 * ({@link io.fulcrum.testsupport.EtcdProcess}, {@link io.fulcrum.testsupport.EtcdCluster}) and
 * Fulcrum nodes in JVMs of their own ({@link io.fulcrum.testsupport.FulcrumProcess})), and
 * builders of configuration records ({@link io.fulcrum.testsupport.config}). It depends on
 * fulcrum-core alone (for those records), so every other module can use it.
 */
package io.fulcrum.testsupport;
