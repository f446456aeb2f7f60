package io.fulcrum.app.testext;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.BalancerFactory;
import io.fulcrum.core.balance.BalancerSpec;
import io.fulcrum.core.balance.LoadBalancer;
import io.fulcrum.core.balance.PickContext;
import io.fulcrum.core.config.InvalidFieldException;

import java.util.List;

/**
 * A balancing algorithm written outside Fulcrum's packages and registered only by this
 * test class path's {@code META-INF/services/io.fulcrum.core.balance.BalancerFactory}:
 * the backend named by a request header, else the first selectable one.
 */
public final class PinByHeaderAlgorithm implements BalancerFactory<PinByHeaderAlgorithm.Settings> {

    /**
     * @param header the request header naming the backend; default {@code X-Pin}
     */
    public record Settings(String header) {
        public Settings {
            header = header == null ? "X-Pin" : header;
        }
    }

    @Override
    public String name() {
        return "pin-by-header";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public List<InvalidFieldException> validate(Settings s) {
        return s.header().isBlank() ? List.of(new InvalidFieldException("header", "must name a request header"))
                : List.of();
    }

    @Override
    public LoadBalancer create(Settings s, BalancerSpec spec) {
        List<Backend> backends = spec.backends();
        return new LoadBalancer() {
            @Override
            public Backend pick(PickContext ctx) {
                long now = ctx.nowNanos();
                String wanted = ctx.header(s.header());
                for (Backend b : backends) {
                    if (b.name().equals(wanted) && b.isSelectable(now)) {
                        return b;
                    }
                }
                for (Backend b : backends) {
                    if (b.isSelectable(now)) {
                        return b;
                    }
                }
                return null;
            }

            @Override
            public String name() {
                return "pin-by-header";
            }
        };
    }
}
