/** The manager's adaptive weight loop (SPEC 2.2 item 6). */
package io.fulcrum.health.weights;
