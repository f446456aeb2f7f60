package io.fulcrum.control.reload;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ConfigReloader}: valid files are applied with a change summary, invalid ones refused, reloads serialized. */
class ConfigReloaderTest {

    /** A compile check that finds nothing to refuse (these tests are about what comes after it). */
    static final CompileCheck COMPILES = config -> List.of();

    @TempDir
    Path dir;

    private final List<FulcrumConfig> applied = new CopyOnWriteArrayList<>();

    static String yaml(String listeners, String backends) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    routes:
                      - name: all
                        pool: app
                %spools:
                  - name: app
                    backends:
                %s""".formatted(listeners, backends);
    }

    static String backend(String name, int weight) {
        return "      - name: %s\n        address: 127.0.0.1:%d\n        weight: %d\n"
                .formatted(name, 10000 + name.charAt(0), weight);
    }

    static final String ADMIN = """
              - name: admin
                bind: 127.0.0.1:8081
                routes:
                  - name: all
                    pool: app
            """;

    private ConfigReloader reloaderFor(String initial) throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), initial);
        return new ConfigReloader(file, ConfigLoader.load(file), COMPILES, applied::add, null);
    }

    private void write(ConfigReloader r, String yaml) throws IOException {
        Files.writeString(r.file(), yaml);
    }

    @Test
    void appliesAValidChangeAndNamesWhatChanged() throws Exception {
        ConfigReloader r = reloaderFor(yaml("", backend("a", 1) + backend("b", 1)));
        write(r, yaml(ADMIN, backend("b", 3) + backend("c", 1)));

        ReloadResult result = r.reload("test");

        assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(applied).hasSize(1);
        assertThat(applied.getFirst().listeners()).extracting(l -> l.name()).containsExactly("web", "admin");
        assertThat(r.current()).isSameAs(applied.getFirst());
        assertThat(result.message()).isEqualTo("listeners added [admin]; pools[app].backends added [c], "
                + "pools[app].backends removed [a], pools[app].backends[b].weight 1->3");
        assertThat(r.successes()).isEqualTo(1);
        assertThat(r.failures()).isZero();

        write(r, yaml("", backend("b", 3) + backend("c", 1)));
        assertThat(r.reload("test").message()).isEqualTo("listeners removed [admin]");
    }

    @Test
    void anErrorWhileApplyingFailsThatReloadOnlyAndTheNextOneWorks() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), yaml("", backend("a", 1)));
        AtomicInteger calls = new AtomicInteger();
        ConfigReloader r = new ConfigReloader(file, ConfigLoader.load(file), COMPILES, c -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space (thrown by the test)");
            }
            applied.add(c);
        }, null);
        Files.writeString(file, yaml("", backend("a", 2)));

        ReloadResult failed = r.reload("test");
        assertThat(failed.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
        assertThat(failed.message()).contains("OutOfMemoryError");

        assertThat(r.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(applied).hasSize(1);
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedNamingTheFileAndTheLimit() throws Exception {
        ConfigReloader r = reloaderFor(yaml("", backend("a", 1)));
        // Sparse: two gigabytes that take no disk; reading them whole would exhaust the heap.
        try (var raf = new java.io.RandomAccessFile(r.file().toFile(), "rw")) {
            raf.setLength(2L << 30);
        }

        ReloadResult result = r.reload("test");

        assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
        assertThat(result.message()).contains(r.file().toString()).contains("2147483648 bytes")
                .contains("at most " + ConfigLoader.MAX_FILE_BYTES + " bytes (64 MiB)");
        write(r, yaml("", backend("a", 2)));
        assertThat(r.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    }

    @Test
    void anOfferedConfigurationTakesTheSamePathAsTheFile() throws Exception {
        ConfigReloader r = reloaderFor(yaml("", backend("a", 1)));
        FulcrumConfig candidate = ConfigLoader.parse(yaml("", backend("a", 4)), "store");
        FulcrumConfig invalid = ConfigLoader.parse(yaml("", backend("a", 4)), "store");
        invalid = FulcrumConfigBuilder.config()
                .server(invalid.server())
                .accessLog(invalid.accessLog())
                .listeners(invalid.listeners())
                .pools(java.util.List.of())
                .build();

        ReloadResult refused = r.offer(invalid, "store rev 1", "store");
        assertThat(refused.outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
        assertThat(refused.message()).contains("store rev 1");
        assertThat(applied).isEmpty();

        ReloadResult result = r.offer(candidate, "store rev 2", "store");
        assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(result.message()).isEqualTo("pools[app].backends[a].weight 1->4");
        assertThat(applied).containsExactly(candidate);
        assertThat(r.offer(candidate, "store rev 3", "store").outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
    }

    @Test
    void eachAttemptIsPublishedWithWhatChangedPerSection() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), yaml("", backend("a", 1)));
        io.fulcrum.core.event.EventLog events = new io.fulcrum.core.event.EventLog();
        ConfigReloader r = new ConfigReloader(file, ConfigLoader.load(file), COMPILES, applied::add, events);
        Files.writeString(file, yaml("", backend("a", 3)).replace("listeners:",
                "server:\n  eventLoopThreads: 3\nlisteners:"));

        ReloadResult result = r.reload("SIGHUP");

        assertThat(result.changes().restartRequired()).containsExactly("server.eventLoopThreads");
        var event = events.latest(1).getFirst();
        assertThat(event.kind()).isEqualTo("config.reload");
        assertThat(event.actor()).isEqualTo("system");
        assertThat(event.details()).containsEntry("outcome", "applied").containsEntry("trigger", "SIGHUP")
                .containsEntry("pools", "pools[app].backends[a].weight 1->3")
                .containsEntry("server", "needs a restart: server.eventLoopThreads");
    }

    @Test
    void refusesAnInvalidFileAndKeepsTheRunningConfiguration() throws Exception {
        ConfigReloader r = reloaderFor(yaml("", backend("a", 1)));
        FulcrumConfig before = r.current();
        write(r, yaml("", backend("a", 1).replace("weight: 1", "weight: -3")));

        ReloadResult result = r.reload("test");

        assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("fulcrum.yaml:").contains("pools[0].backends[0].weight");
        assertThat(applied).isEmpty();
        assertThat(r.current()).isSameAs(before);
        assertThat(r.failures()).isEqualTo(1);
        assertThat(r.lastResult()).isEqualTo(result);

        Files.delete(r.file());
        assertThat(r.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
        assertThat(r.lastResult().message()).contains("no such file");
        assertThat(r.failures()).isEqualTo(2);
        assertThat(applied).isEmpty();
    }

    @Test
    void anUnchangedFileIsNotApplied() throws Exception {
        ConfigReloader r = reloaderFor(yaml("", backend("a", 1)));
        write(r, yaml("", backend("a", 1)) + "# only a comment\n");

        ReloadResult result = r.reload("test");

        assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
        assertThat(result.succeeded()).isTrue();
        assertThat(applied).isEmpty();
    }

    @Test
    void anApplierFailureIsCountedAndTheNextReloadRetries() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), yaml("", backend("a", 1)));
        AtomicInteger calls = new AtomicInteger();
        ConfigReloader r = new ConfigReloader(file, ConfigLoader.load(file), COMPILES, c -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("listener admin cannot bind 127.0.0.1:8081: in use");
            }
        }, null);
        Files.writeString(file, yaml(ADMIN, backend("a", 1)));

        ReloadResult failed = r.reload("test");
        assertThat(failed.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
        assertThat(failed.message()).contains("cannot bind");
        assertThat(r.failures()).isEqualTo(1);

        ReloadResult retried = r.reload("test");
        assertThat(retried.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(calls).hasValue(2);
        assertThat(r.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
    }

    /**
     * What the node's compile check refuses (here: a backend weight it cannot put into service) is
     * refused before the applier sees any of it, at the field's line as {@code validate} prints it,
     * and the baseline stays the running configuration: the next reload compares with it.
     */
    @Test
    void aCandidateTheCompileCheckRefusesIsNeverAppliedAndIsReportedAtItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), yaml("", backend("a", 1)));
        io.fulcrum.core.event.EventLog events = new io.fulcrum.core.event.EventLog();
        CompileCheck refusesWeight7 = config -> config.pools().getFirst().backends().getFirst().weight() == 7
                ? List.of(new InvalidFieldException("pools[0].backends[0].weight", "seven cannot be compiled"))
                : List.of();
        ConfigReloader r = new ConfigReloader(file, ConfigLoader.load(file), refusesWeight7, applied::add, events);
        String refused = yaml(ADMIN, backend("a", 7));
        Files.writeString(file, refused);

        ReloadResult result = r.reload("test");
        assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
        int line = refused.lines().toList().indexOf("        weight: 7") + 1;
        assertThat(result.message()).isEqualTo(file + ":" + line + ":17: pools[0].backends[0].weight: seven cannot be compiled");
        assertThat(applied).isEmpty();
        assertThat(r.current().listeners()).hasSize(1);
        assertThat(r.failures()).isEqualTo(1);
        io.fulcrum.core.event.Event event = events.latest(1).getFirst();
        assertThat(event.details()).containsEntry("outcome", "refused");
        assertThat(event.reason()).isEqualTo(result.message());
        // A store's candidate goes through the same check; it has no lines, only its source and the field.
        ReloadResult offered = r.offer(ConfigLoader.parse(refused, "store"), "store rev 2", "test");
        assertThat(offered.outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
        assertThat(offered.message()).isEqualTo("store rev 2: pools[0].backends[0].weight: seven cannot be compiled");
        assertThat(applied).isEmpty();

        Files.writeString(file, yaml(ADMIN, backend("a", 2)));
        ReloadResult next = r.reload("test");
        assertThat(next.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(next.message()).contains("listeners added [admin]").contains("weight 1->2");
    }

    @Test
    void nothingIsReadOrAppliedAfterClose() throws Exception {
        ConfigReloader r = reloaderFor(yaml("", backend("a", 1)));
        write(r, yaml("", backend("a", 2)));
        r.close();
        assertThat(r.reload("test").outcome()).isEqualTo(ReloadResult.Outcome.STOPPED);
        assertThat(applied).isEmpty();
        assertThat(r.successes() + r.failures()).isZero();
    }

    @Test
    void reloadsRunOneAtATime() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), yaml("", backend("a", 1)));
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger version = new AtomicInteger(2);
        ConfigReloader r = new ConfigReloader(file, ConfigLoader.load(file), COMPILES, c -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                Thread.sleep(5);
                // Each applied configuration makes the next reload a change again.
                Files.writeString(file, yaml("", backend("a", version.incrementAndGet())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inside.decrementAndGet();
            }
        }, null);
        Files.writeString(file, yaml("", backend("a", 2)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ReloadResult>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return r.reload("test");
                }));
            }
            go.countDown();
            for (Future<ReloadResult> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
        assertThat(r.successes()).isEqualTo(20);
    }
}
