/**
 * Test support shared by every module: a JUnit extension that fails a test class on a Netty
 * buffer leak, ports for listeners that no other socket will take first, and the fixtures
 * more than one module's tests need (certificates made with openssl, a raw HTTP/1.1 client,
 * small loopback backends). Nothing here depends on a Fulcrum module, so any module can use it.
 */
package io.fulcrum.testsupport;
