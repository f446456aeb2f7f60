package io.fulcrum.health.check;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.health.BuiltInCheckTypes;
import io.fulcrum.core.config.health.CheckType;
import io.fulcrum.core.config.health.HealthCheckConfig;
import io.fulcrum.core.extension.ExtensionConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every registered check type can be created through the one entry point. */
class HealthChecksTest {

    /** Valid settings for the types whose defaults are not enough. */
    private static final Map<String, Record> REQUIRED = Map.of(
            "dns", new BuiltInCheckTypes.DnsSettings("svc.example", null, null),
            "udp", new BuiltInCheckTypes.UdpSettings("ping", null));

    @Test
    void everyRegisteredTypeHasAnImplementation() {
        for (String name : CheckType.registry().names()) {
            ExtensionConfig<CheckType<?>> type = new ExtensionConfig<>(name, REQUIRED.get(name));
            assertThat(CheckType.registry().validate(type)).as(name).isEmpty();
            HealthCheck check = HealthChecks.create(new HealthCheckConfig(type, null, Duration.ofMillis(200), null,
                    null, null, null));
            assertThat(check).as(name).isNotNull();
        }
    }

    @Test
    void anUnknownTypeIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> HealthChecks.create(new HealthCheckConfig(ExtensionConfig.of("smoke"), null, null, null, null, null, null)))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageStartingWith("unknown health-check type \"smoke\"; known: ")
                .hasMessageContaining("dns, http, https, icmp, tcp, tls, udp");
    }
}
