/** The controller: the leader aggregates every node's statistics and publishes weights per pool; nodes apply them. */
package io.fulcrum.cluster.controller;
