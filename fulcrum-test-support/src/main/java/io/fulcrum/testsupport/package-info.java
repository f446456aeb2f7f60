/**
 * Test support shared by every module: a JUnit extension that fails a test class on a Netty
 * buffer leak, and ports for listeners that no other socket will take first.
 */
package io.fulcrum.testsupport;
