/**
 * Load-balancing algorithms: plain objects with no I/O behind one interface,
 * {@link io.fulcrum.core.balance.LoadBalancer}, created by name through
 * {@link io.fulcrum.core.balance.BalancerRegistry}.
 *
 * <p><b>Structure.</b> Each algorithm is a {@code Selector} over one tier of a
 * pool; {@code TieredBalancer} asks the primary ({@code UP}) tier first and the
 * {@code BACKUP} tier only when it finds nothing. Algorithms that precompute
 * (schedules, alias tables, the Maglev table, the hash ring) keep them in a
 * {@code LazyTable}, rebuilt on the first pick after a backend's state, weight,
 * ejection or locality changed (one {@code ChangeWatch} generation read per
 * pick). Tables include a tier's members with a positive capped weight; whether
 * a backend is ejected or full is checked at every pick, and an unavailable
 * choice is replaced deterministically (hashing) or by the next in turn
 * (schedules) before falling back to a scan.
 *
 * <p><b>Cost per pick</b> (100 backends; docs/benchmarks.md): O(1) for the
 * round robins, random, power of two, Maglev and ring hash (bucket-indexed);
 * O(log n) for source-IP hash; least connections and least response time scan
 * at most 16 members. O(n) only as a last resort when backends are unavailable.
 * No allocation on the common path; no lock on the pick path (one thread
 * rebuilds a stale table while the others keep using the previous one).
 *
 * <p>{@link io.fulcrum.core.balance.Hashing} is the one hash all hashing
 * algorithms use.
 */
package io.fulcrum.core.balance;
