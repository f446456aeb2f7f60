package io.fulcrum.app.imports;

import java.util.List;

/**
 * An HAProxy configuration as the import understood it: the process settings it converts and the
 * proxy sections in file order.
 *
 * @param nbthread the {@code nbthread} of {@code global}, or null
 * @param daemon   whether {@code global} has {@code daemon}
 * @param crtBase  {@code crt-base}: the directory of relative certificate paths, or null
 * @param caBase   {@code ca-base}: the directory of relative CA paths, or null
 * @param proxies  the frontends, backends and listen sections
 */
record HaproxyConfig(Integer nbthread, boolean daemon, String crtBase, String caBase, List<HaproxyProxy> proxies) {

    /** The section that has servers under this name, or null. */
    HaproxyProxy backend(String name) {
        for (HaproxyProxy p : proxies) {
            if (p.isBackend() && p.name.equals(name)) {
                return p;
            }
        }
        return null;
    }
}
