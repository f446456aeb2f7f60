package io.fulcrum.gslb;

import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.gslb.site.GslbSettings;
import io.fulcrum.proxy.http.Handoff;

/**
 * The proxy's redirect hand-off (requirements 2.5 item 6): a request that a local VIP cannot serve
 * is redirected (302 or 307) to the next eligible site of the hand-off table, rotating by
 * its shares, or refused when no other site is up. Only listeners named by the own site's
 * VIPs hand off (all listeners when no VIP names one). Reads one published {@link SiteState}
 * per request, so it is safe on the proxy's event loops.
 */
final class RedirectHandoff implements Handoff {

    private final SiteStateService service;

    RedirectHandoff(SiteStateService service) {
        this.service = service;
    }

    @Override
    public Redirect redirect(String listener, String host, String uri) {
        SiteState state = service.snapshot();
        GslbSettings s = state.settings();
        if (s == null || !s.config().redirect().enabled() || !handsOff(s.ownSite(), listener)) {
            return null;
        }
        String target = state.nextHandoffTarget();
        if (target == null) {
            return null;
        }
        SiteConfig site = s.site(target);
        String path = uri == null || uri.isEmpty() || !uri.startsWith("/") ? "/" : uri;
        return new Redirect(s.config().redirect().status(), site.redirectBase() + path);
    }

    private static boolean handsOff(SiteConfig own, String listener) {
        boolean anyNamed = false;
        for (VipConfig v : own.vips()) {
            if (v.listener() != null) {
                anyNamed = true;
                if (v.listener().equals(listener)) {
                    return true;
                }
            }
        }
        return !anyNamed;
    }
}
