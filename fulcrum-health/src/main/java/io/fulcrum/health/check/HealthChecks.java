package io.fulcrum.health.check;

import io.fulcrum.core.config.health.BuiltInCheckTypes;
import io.fulcrum.core.config.health.CheckType;
import io.fulcrum.core.config.health.HealthCheckConfig;
import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;

/**
 * Builds the {@link HealthCheck} a configured check describes: the one entry point
 * from a configuration to a running check. The type is looked up in
 * {@link CheckType#registry()}; a {@link HealthCheckFactory} creates its own check, the
 * built-in types (defined, with their settings, in {@link BuiltInCheckTypes}) are
 * implemented in this package.
 */
public final class HealthChecks {

    private HealthChecks() {
    }

    /** The check for this (validated) configuration. */
    public static HealthCheck create(HealthCheckConfig c) {
        return create(c.type(), c.timeout());
    }

    /**
     * The check of this type and settings, each run taking at most {@code timeout}.
     *
     * @throws io.fulcrum.core.config.InvalidFieldException for an unknown type
     */
    public static HealthCheck create(ExtensionConfig<CheckType<?>> type, Duration timeout) {
        return create(CheckType.registry().get(type.name()), type.settings(), timeout);
    }

    private static <S extends Record> HealthCheck create(CheckType<S> type, Record raw, Duration timeout) {
        S settings = type.settings(raw);
        if (type instanceof HealthCheckFactory<S> own) {
            return own.create(settings, timeout);
        }
        return switch (type) {
            case BuiltInCheckTypes.Tcp t -> new TcpCheck(timeout);
            case BuiltInCheckTypes.Http t -> http(false, (BuiltInCheckTypes.HttpSettings) settings, timeout);
            case BuiltInCheckTypes.Https t -> http(true, (BuiltInCheckTypes.HttpSettings) settings, timeout);
            case BuiltInCheckTypes.Tls t -> {
                BuiltInCheckTypes.TlsSettings s = (BuiltInCheckTypes.TlsSettings) settings;
                yield new TlsCheck(timeout, s.serverName(), s.verify());
            }
            case BuiltInCheckTypes.Dns t -> {
                BuiltInCheckTypes.DnsSettings s = (BuiltInCheckTypes.DnsSettings) settings;
                yield new DnsCheck(timeout, s.query(), s.recordType(), s.expect());
            }
            case BuiltInCheckTypes.Icmp t -> new IcmpCheck(timeout);
            case BuiltInCheckTypes.Udp t -> {
                BuiltInCheckTypes.UdpSettings s = (BuiltInCheckTypes.UdpSettings) settings;
                yield new UdpCheck(timeout, s.send(), s.expect());
            }
            default -> throw new IllegalStateException("check type " + type.name() + " (" + type.getClass().getName()
                    + ") is not a HealthCheckFactory and has no built-in implementation");
        };
    }

    private static HealthCheck http(boolean tls, BuiltInCheckTypes.HttpSettings s, Duration timeout) {
        return new HttpCheck(tls, timeout, s.path(), s.host(), StatusSet.parse(s.expectStatus()), s.expectBody(),
                s.serverName(), s.verify());
    }
}
