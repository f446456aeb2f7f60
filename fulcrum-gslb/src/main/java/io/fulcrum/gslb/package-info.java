/**
 * GSLB between sites (requirements 2.5 items 3-7): the {@link io.fulcrum.gslb.SiteStateService}
 * that checks the other sites, runs the site-state protocol with its peers, computes the
 * hand-off table, and redirects requests the local proxy cannot serve.
 */
package io.fulcrum.gslb;
