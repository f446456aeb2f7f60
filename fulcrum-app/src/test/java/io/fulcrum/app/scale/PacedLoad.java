package io.fulcrum.app.scale;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded HTTP load on loopback: {@code workers} virtual threads each sending idempotent GETs at
 * {@code perWorker} requests a second (keep-alive, the JDK client), until {@link #close} or until
 * {@code limit} passes or {@code maxRequests} were sent. Counts the answers by backend and every
 * failure (an exception or a status other than 200) with its first messages.
 */
public final class PacedLoad implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
    private volatile boolean stop;

    private PacedLoad() {
    }

    /** Starts the load against {@code url}. */
    public static PacedLoad start(URI url, int workers, double perWorker, Duration limit, long maxRequests) {
        PacedLoad load = new PacedLoad();
        long deadline = System.nanoTime() + limit.toNanos();
        long gap = (long) (1e9 / perWorker);
        for (int i = 0; i < workers; i++) {
            load.threads.add(Thread.ofVirtual().name("paced-load-" + i).start(() -> {
                long next = System.nanoTime();
                while (!load.stop && System.nanoTime() < deadline && load.sent.incrementAndGet() <= maxRequests) {
                    load.once(url);
                    next += gap;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    } else {
                        next = System.nanoTime(); // fell behind (a slow machine): no burst to catch up
                    }
                }
            }));
        }
        return load;
    }

    private void once(URI url) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                ok.incrementAndGet();
                String backend = r.headers().firstValue("X-Backend").orElse(r.body().strip());
                byBackend.computeIfAbsent(backend, b -> new AtomicInteger()).incrementAndGet();
            } else {
                fail("status " + r.statusCode() + ": " + r.body().lines().findFirst().orElse(""));
            }
        } catch (java.io.IOException e) {
            fail(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(String why) {
        failed.incrementAndGet();
        if (failures.size() < 10) {
            failures.add(why);
        }
    }

    int ok() {
        return ok.get();
    }

    int failed() {
        return failed.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Answers per backend name. */
    Map<String, Integer> byBackend() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        byBackend.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Stops sending and waits for the requests in flight. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(30));
        }
        client.close();
    }
}
