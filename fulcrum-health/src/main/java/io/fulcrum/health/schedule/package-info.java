/** User rules (time windows without new connections) and scheduled weight/membership sets. */
package io.fulcrum.health.schedule;
