package io.fulcrum.proxy.tls;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The session ticket keys of one certificate, shared by every TLS context that presents it
 * (on any listener, before and after any reload), so that a ticket issued before a reload
 * still resumes. A certificate has keys of its own ({@link #forCertificate}): a ticket
 * opens only where the certificate its session was authenticated with is still served, so a
 * replaced certificate is presented to every client at once. The newest key seals new
 * tickets; the {@value #KEPT} before it still open the tickets they sealed. A new key every
 * {@link #ROTATION}, made from {@link SecureRandom}; keys live in memory only and die with
 * the process, as HAProxy's and NGINX's generated keys do.
 *
 * <p>Rotation runs on a daemon thread of its own, never on an event loop; it hands each
 * context the new list under that context's own lock (Netty's), so handshakes under way are
 * not disturbed.
 */
public final class SessionTicketKeys {

    /** How often a new key starts sealing tickets. */
    public static final Duration ROTATION = Duration.ofHours(1);
    /** How many older keys still open tickets. */
    public static final int KEPT = 2;

    private static final Logger LOG = LoggerFactory.getLogger(SessionTicketKeys.class);
    /** The keys of each certificate served, by the SHA-256 of its DER encoding. */
    private static final Map<String, SessionTicketKeys> BY_CERTIFICATE = new java.util.concurrent.ConcurrentHashMap<>();
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fulcrum-tls-ticket-keys");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.scheduleAtFixedRate(() -> BY_CERTIFICATE.values().forEach(SessionTicketKeys::rotate),
                ROTATION.toMillis(), ROTATION.toMillis(), TimeUnit.MILLISECONDS);
    }

    private final SecureRandom random = new SecureRandom();
    /** The contexts that issue tickets; weak, so a context dropped by a reload is forgotten. */
    private final Map<OpenSslSessionContext, Boolean> contexts = new WeakHashMap<>();
    private List<OpenSslSessionTicketKey> keys = List.of();

    private SessionTicketKeys() {
        rotate();
    }

    /** The keys of the certificate {@code leaf}, made at its first use and rotated every {@link #ROTATION}. */
    public static SessionTicketKeys forCertificate(java.security.cert.X509Certificate leaf) {
        String fingerprint;
        try {
            fingerprint = java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint the certificate " + leaf.getSubjectX500Principal(), e);
        }
        return BY_CERTIFICATE.computeIfAbsent(fingerprint, f -> new SessionTicketKeys());
    }

    /** Rotates the keys of every certificate now (tests; the timer does it every {@link #ROTATION}). */
    public static void rotateAll() {
        BY_CERTIFICATE.values().forEach(SessionTicketKeys::rotate);
    }

    /** Lets {@code context} issue and open tickets with these keys, from now on and after each rotation. */
    public synchronized void attach(OpenSslSessionContext context) {
        contexts.put(context, Boolean.TRUE);
        context.setTicketKeys(keys.toArray(OpenSslSessionTicketKey[]::new));
    }

    /** A new key seals tickets from now on; the oldest beyond {@value #KEPT} is dropped (also called by tests). */
    public synchronized void rotate() {
        List<OpenSslSessionTicketKey> next = new ArrayList<>(KEPT + 1);
        next.add(newKey());
        next.addAll(keys.subList(0, Math.min(KEPT, keys.size())));
        keys = Collections.unmodifiableList(next);
        OpenSslSessionTicketKey[] array = keys.toArray(OpenSslSessionTicketKey[]::new);
        for (OpenSslSessionContext c : contexts.keySet()) {
            try {
                c.setTicketKeys(array);
            } catch (RuntimeException e) {
                LOG.warn("could not hand the new session ticket key to a TLS context: {}", e.toString());
            }
        }
        LOG.debug("session ticket keys rotated; {} contexts use them", contexts.size());
    }

    private OpenSslSessionTicketKey newKey() {
        byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
        byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
        byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
        random.nextBytes(name);
        random.nextBytes(hmac);
        random.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }
}
