package io.fulcrum.proxy.tls;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.PoolConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Compiles the backend TLS of every pool of a configuration (off the event loops, at load and reload). */
public final class BackendTlsCompiler {

    private BackendTlsCompiler() {
    }

    /**
     * Pool name to its compiled backend TLS, for the pools that have {@code tls} (and have not turned it off).
     *
     * @throws InvalidFieldException when a pool's TLS files cannot be loaded, naming the field
     *                               ({@code pools[1].tls.keyFile})
     */
    public static Map<String, BackendTls> compileAll(FulcrumConfig config) {
        Map<String, BackendTls> m = new HashMap<>();
        for (int i = 0; i < config.pools().size(); i++) {
            PoolConfig pc = config.pools().get(i);
            if (pc.tls() != null && pc.tls().enabled()) {
                List<String> alpn = "h2".equals(pc.protocol()) ? List.of("h2") : List.of("http/1.1");
                try {
                    m.put(pc.name(), BackendTls.compile(pc.name(), pc.tls(), alpn));
                } catch (InvalidFieldException e) {
                    throw e.within("pools[" + i + "].tls");
                }
            }
        }
        return m;
    }
}
