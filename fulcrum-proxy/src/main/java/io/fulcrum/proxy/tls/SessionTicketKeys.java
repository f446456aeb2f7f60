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
 * The node's session ticket keys, shared by every TLS context it builds (every listener,
 * every certificate, every reload), so that a ticket issued before a reload or by another
 * certificate's context still resumes. The newest key seals new tickets; the {@value #KEPT}
 * before it still open the tickets they sealed. A new key every {@link #ROTATION}, made from
 * {@link SecureRandom}; keys live in memory only and die with the process, as HAProxy's and
 * NGINX's generated keys do.
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
    private static final SessionTicketKeys NODE = new SessionTicketKeys();

    private final SecureRandom random = new SecureRandom();
    /** The contexts that issue tickets; weak, so a context dropped by a reload is forgotten. */
    private final Map<OpenSslSessionContext, Boolean> contexts = new WeakHashMap<>();
    private List<OpenSslSessionTicketKey> keys = List.of();

    private SessionTicketKeys() {
        rotate();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fulcrum-tls-ticket-keys");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::rotate, ROTATION.toMillis(), ROTATION.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The node's keys, rotated every {@link #ROTATION}. */
    public static SessionTicketKeys node() {
        return NODE;
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
