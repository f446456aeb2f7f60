package io.fulcrum.app.admin;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.testsupport.NamedBackend;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traffic for the queue counters: requests to a pool whose one backend ({@code maxConnections: 1})
 * holds its answers, so that all but one wait in the pool's queue; then the backend answers them all.
 */
final class HeldQueue {

    private HeldQueue() {
    }

    /**
     * Sends {@code queued + 1} requests to {@code path}N on {@code proxy}, waits until {@code queued}
     * of them wait in {@code pool}'s queue, releases {@code held}, and checks every one got 200.
     */
    static void queueBehind(NamedBackend held, HttpClient http, URI proxy, String path, FulcrumNode node, String pool,
                            int queued) throws Exception {
        held.hold();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < queued + 1; i++) {
            waiting.add(http.sendAsync(HttpRequest.newBuilder(proxy.resolve(path + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> node.proxy().runtime().pools().get(pool).queue().size() == queued);
        held.release();
        for (CompletableFuture<HttpResponse<String>> f : waiting) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
    }
}
