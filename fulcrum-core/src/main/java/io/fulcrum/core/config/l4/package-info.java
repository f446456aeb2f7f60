/** Configuration of the L4 router: virtual services, their VIPs, listeners and timeouts. */
package io.fulcrum.core.config.l4;
