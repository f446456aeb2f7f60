/** Request routing: which route (and so which pool) a request belongs to. */
package io.fulcrum.proxy.route;
