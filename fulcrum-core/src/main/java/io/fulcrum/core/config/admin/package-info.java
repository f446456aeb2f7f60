/** Configuration of the admin server: bind address, TLS, tokens and the state file. */
package io.fulcrum.core.config.admin;
