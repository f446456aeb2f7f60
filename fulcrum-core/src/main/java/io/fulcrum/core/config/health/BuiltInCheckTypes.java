package io.fulcrum.core.config.health;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.NamedFactory;
import io.fulcrum.core.extension.NoSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The check types Fulcrum ships: their names, settings (with their defaults) and the
 * validation of those settings. Registered in
 * {@code META-INF/services/io.fulcrum.core.config.health.CheckType}; fulcrum-health runs
 * them (docs/health.md).
 */
public final class BuiltInCheckTypes {

    private BuiltInCheckTypes() {
    }

    /** Statuses or ranges such as {@code 200}, {@code 200-399}, {@code 200,204}. */
    private static final Pattern STATUS = Pattern.compile("\\d{3}(-\\d{3})?(,\\d{3}(-\\d{3})?)*");

    /** Record types a DNS check may ask for. */
    private static final Set<String> RECORD_TYPES = Set.of("A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "PTR", "SOA");

    /** The shared part of every built-in type. */
    abstract static class Named<S extends Record> extends NamedFactory<S> implements CheckType<S> {

        Named(String name, Class<S> settingsType) {
            super(name, settingsType);
        }
    }

    /**
     * Settings of {@code http} and {@code https}.
     *
     * @param path         request path; default {@code /}
     * @param host         Host header; default the backend's host
     * @param expectStatus accepted statuses, e.g. {@code 200}, {@code 200-399} (default), {@code 200,204}
     * @param expectBody   text the body must contain (content verification); none by default
     * @param serverName   HTTPS: SNI name; default the Host or backend host
     * @param verify       HTTPS: whether the certificate must be trusted and match; default false
     */
    public record HttpSettings(String path, String host, String expectStatus, String expectBody, String serverName,
                               Boolean verify) {
        public HttpSettings {
            path = path == null ? "/" : path;
            expectStatus = expectStatus == null ? "200-399" : expectStatus;
            verify = verify != null && verify;
        }
    }

    /**
     * Settings of {@code tls}.
     *
     * @param serverName SNI name; default the backend host
     * @param verify     whether the certificate must be trusted and match; default false
     */
    public record TlsSettings(String serverName, Boolean verify) {
        public TlsSettings {
            verify = verify != null && verify;
        }
    }

    /**
     * Settings of {@code dns}.
     *
     * @param query      name to ask for (required)
     * @param recordType {@code A} (default), {@code AAAA}, {@code TXT}, {@code CNAME}...
     * @param expect     text one answer must contain (an address for A/AAAA); any answer by default
     */
    public record DnsSettings(String query, String recordType, String expect) {
        public DnsSettings {
            recordType = recordType == null ? "A" : recordType;
        }
    }

    /**
     * Settings of {@code udp}.
     *
     * @param send   payload to send (required)
     * @param expect text the reply must contain; any reply by default
     */
    public record UdpSettings(String send, String expect) {
    }

    /** {@code tcp}: a connection opens. */
    public static final class Tcp extends Named<NoSettings> {

        /** Its name; also the type of a check that names none. */
        public static final String NAME = "tcp";

        public Tcp() {
            super(NAME, NoSettings.class);
        }
    }

    /** {@code http}: a GET answered with an expected status (and body). */
    public static final class Http extends Named<HttpSettings> {
        public Http() {
            super("http", HttpSettings.class);
        }

        @Override
        public List<InvalidFieldException> validate(HttpSettings s) {
            List<InvalidFieldException> out = new ArrayList<>();
            if (!s.path().startsWith("/")) {
                out.add(new InvalidFieldException("path", "must start with / (got \"" + s.path() + "\")"));
            }
            if (!STATUS.matcher(s.expectStatus()).matches()) {
                out.add(new InvalidFieldException("expectStatus",
                        "must be statuses or ranges like 200, 200-399 or 200,204 (got \"" + s.expectStatus() + "\")"));
            }
            return out;
        }
    }

    /** {@code https}: {@code http} over TLS. */
    public static final class Https extends Named<HttpSettings> {
        private final Http http = new Http();

        public Https() {
            super("https", HttpSettings.class);
        }

        @Override
        public List<InvalidFieldException> validate(HttpSettings s) {
            return http.validate(s);
        }
    }

    /** {@code tls}: a TLS handshake completes. */
    public static final class Tls extends Named<TlsSettings> {
        public Tls() {
            super("tls", TlsSettings.class);
        }
    }

    /** {@code dns}: a query is answered (with an expected value). */
    public static final class Dns extends Named<DnsSettings> {
        public Dns() {
            super("dns", DnsSettings.class);
        }

        @Override
        public List<InvalidFieldException> validate(DnsSettings s) {
            List<InvalidFieldException> out = new ArrayList<>();
            if (s.query() == null || s.query().isBlank()) {
                out.add(new InvalidFieldException("query", "required for a dns check: the name to ask for"));
            }
            if (!RECORD_TYPES.contains(s.recordType().toUpperCase(Locale.ROOT))) {
                out.add(new InvalidFieldException("recordType", "unknown record type \"" + s.recordType()
                        + "\"; valid: " + String.join(", ", new TreeSet<>(RECORD_TYPES))));
            }
            return out;
        }
    }

    /** {@code icmp}: an echo request is answered. */
    public static final class Icmp extends Named<NoSettings> {
        public Icmp() {
            super("icmp", NoSettings.class);
        }
    }

    /** {@code udp}: a datagram is answered (with expected text). */
    public static final class Udp extends Named<UdpSettings> {
        public Udp() {
            super("udp", UdpSettings.class);
        }

        @Override
        public List<InvalidFieldException> validate(UdpSettings s) {
            if (s.send() == null || s.send().isEmpty()) {
                return List.of(new InvalidFieldException("send", "required for a udp check: the payload to send"));
            }
            return List.of();
        }
    }
}
