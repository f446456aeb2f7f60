/**
 * What the operator's surface (admin API, {@code fulcrum ctl scale}, metrics, dashboard) needs of the
 * autoscaler, so that the admin module finds it among the node's services without depending on
 * {@code fulcrum-scale}.
 */
package io.fulcrum.core.scale;
