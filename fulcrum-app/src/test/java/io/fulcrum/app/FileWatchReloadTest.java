package io.fulcrum.app;

import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.reload.ConfigFileWatcher;
import io.fulcrum.control.reload.ConfigReloader;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wiring {@code fulcrum run} uses, in process over real sockets: a proxy, a
 * {@link ConfigReloader} applying to it and a {@link ConfigFileWatcher} on its file.
 * A changed file is serving within seconds; an invalid one is refused and the old
 * configuration keeps serving.
 */
class FileWatchReloadTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NamedBackend one;
    private NamedBackend two;
    private ProxyServer proxy;
    private ConfigReloader reloader;
    private ConfigFileWatcher watcher;
    private int port;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (reloader != null) {
            reloader.close();
        }
        if (proxy != null) {
            proxy.shutdownGracefully(Duration.ofSeconds(1));
        }
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
        http.close();
    }

    private Path startOn(NamedBackend backend) throws Exception {
        port = FreePorts.tcp();
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ReloadTestConfigs.routingTo(port, backend));
        var config = ConfigLoader.load(file);
        proxy = new ProxyServer(config);
        proxy.start();
        reloader = new ConfigReloader(file, config, io.fulcrum.app.node.FulcrumNode::check, proxy::apply, null);
        watcher = ConfigFileWatcher.start(file, Duration.ofMillis(250), () -> reloader.reload("file changed"));
        return file;
    }

    private String get() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void aChangedFileIsAppliedAndAnInvalidOneRefused() throws Exception {
        one = NamedBackend.start("one");
        two = NamedBackend.start("two");
        Path file = startOn(one);
        assertThat(get()).isEqualTo("one");

        Files.writeString(file, ReloadTestConfigs.routingTo(port, two));
        await().atMost(LIMIT).until(() -> reloader.successes() == 1);
        assertThat(reloader.lastResult().outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(reloader.lastResult().message()).isEqualTo("pools[app].backends added [two], pools[app].backends removed [one]");
        assertThat(get()).isEqualTo("two");

        Files.writeString(file, ReloadTestConfigs.invalid(port, one));
        await().atMost(LIMIT).until(() -> reloader.failures() == 1);
        assertThat(reloader.lastResult().outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
        assertThat(reloader.lastResult().message()).contains("fulcrum.yaml:").contains("pools[0].backends[0].weight");
        for (int i = 0; i < 5; i++) {
            assertThat(get()).isEqualTo("two");
        }
        assertThat(reloader.successes()).isEqualTo(1);
    }

    @Test
    void aFileRenamedIntoPlaceIsApplied() throws Exception {
        one = NamedBackend.start("one");
        two = NamedBackend.start("two");
        Path file = startOn(one);
        assertThat(get()).isEqualTo("one");

        Path temp = Files.writeString(dir.resolve("fulcrum.yaml.new"), ReloadTestConfigs.routingTo(port, two));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        await().atMost(LIMIT).until(() -> reloader.successes() == 1);
        assertThat(get()).isEqualTo("two");
    }
}
