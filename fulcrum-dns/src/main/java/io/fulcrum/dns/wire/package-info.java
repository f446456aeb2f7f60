/**
 * The DNS wire format: a hand-written question parser for the hot path, the encoder
 * that builds whole replies ahead of time, and the writer that patches a cached reply
 * for one query.
 */
package io.fulcrum.dns.wire;
