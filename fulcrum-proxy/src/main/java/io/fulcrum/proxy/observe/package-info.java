/** Hooks through which other modules watch the data plane without slowing it down. */
package io.fulcrum.proxy.observe;
