/** Shared read-only views of the L4 router (its connection table). */
package io.fulcrum.core.l4;
