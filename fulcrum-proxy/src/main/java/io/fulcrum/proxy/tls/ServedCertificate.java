package io.fulcrum.proxy.tls;

import java.time.Instant;
import java.util.List;

/**
 * One certificate a TLS listener serves, as read when the listener was compiled: for the
 * stats page's expiry column and anyone else who watches certificates run out.
 *
 * @param certFile  the configured PEM file
 * @param subject   the leaf certificate's subject (RFC 2253)
 * @param names     the host names it answers for (SAN DNS names, else the common name)
 * @param notBefore start of its validity
 * @param notAfter  end of its validity
 */
public record ServedCertificate(String certFile, String subject, List<String> names, Instant notBefore,
                                Instant notAfter) {

    public ServedCertificate {
        names = List.copyOf(names);
    }
}
