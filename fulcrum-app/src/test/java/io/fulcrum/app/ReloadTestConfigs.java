package io.fulcrum.app;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.NamedBackend;
/** Configurations for the reload tests: one listener, one pool of the given backends. */
final class ReloadTestConfigs {

    private ReloadTestConfigs() {
    }

    /** Listener {@code web} on 127.0.0.1:{@code port} routing everything to pool {@code app} of these backends. */
    static String routingTo(int port, NamedBackend... backends) {
        StringBuilder b = new StringBuilder(ConfigYaml.webListener(port, "app")).append("""
                pools:
                  - name: app
                    backends:
                """);
        for (NamedBackend nb : backends) {
            b.append("      - name: ").append(nb.name()).append('\n')
                    .append("        address: ").append(nb.address()).append('\n');
        }
        return b.toString();
    }

    /** A file that fails validation at a known field. */
    static String invalid(int port, NamedBackend backend) {
        return routingTo(port, backend) + "        weight: -3\n";
    }
}
