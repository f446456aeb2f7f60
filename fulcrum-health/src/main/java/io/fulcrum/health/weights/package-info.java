/** The manager's adaptive weight loop (requirements 2.2 item 6). */
package io.fulcrum.health.weights;
