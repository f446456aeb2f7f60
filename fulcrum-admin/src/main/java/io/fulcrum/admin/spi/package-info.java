/** Extension points through which other node services appear in the admin API and /metrics. */
package io.fulcrum.admin.spi;
