/**
 * The network side: UDP and TCP on the same port with Netty (one UDP socket per event
 * loop with SO_REUSEPORT on epoll), and the per-loop query processor.
 */
package io.fulcrum.dns.server;
