/** Configuration of the configuration store: the file (default) or etcd. */
package io.fulcrum.core.config.store;
