/** Test support shared by every module: a JUnit extension that fails a test class on a Netty buffer leak. */
package io.fulcrum.testsupport;
