/** The access log: one line per request, formatted off the event loops. */
package io.fulcrum.proxy.log;
