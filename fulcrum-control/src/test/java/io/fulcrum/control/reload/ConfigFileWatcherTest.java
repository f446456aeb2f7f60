package io.fulcrum.control.reload;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link ConfigFileWatcher}: writes and renames into place are noticed, debounced, and only for the watched file. */
class ConfigFileWatcherTest {

    private static final Duration DEBOUNCE = Duration.ofMillis(250);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final AtomicInteger changes = new AtomicInteger();
    private ConfigFileWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private Path watch() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), "v1\n");
        watcher = ConfigFileWatcher.start(file, DEBOUNCE, changes::incrementAndGet);
        return file;
    }

    /** Asserts the count stays at {@code n} for a while (no late or repeated calls). */
    private void staysAt(int n) throws InterruptedException {
        Thread.sleep(DEBOUNCE.toMillis() * 3);
        assertThat(changes).hasValue(n);
    }

    @Test
    void aWriteIsNoticed() throws Exception {
        Path file = watch();
        Files.writeString(file, "v2\n");
        await().atMost(LIMIT).until(() -> changes.get() >= 1);
        staysAt(1);
    }

    @Test
    void aFileRenamedIntoPlaceIsNoticed() throws Exception {
        Path file = watch();
        Path temp = Files.writeString(dir.resolve(".fulcrum.yaml.tmp"), "v2\n");
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        await().atMost(LIMIT).until(() -> changes.get() >= 1);
        staysAt(1);
    }

    /** An Error from the callback (a reload that ran out of memory) fails that call only: watching goes on. */
    @Test
    void anErrorInTheCallbackDoesNotEndTheWatch() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), "v1\n");
        watcher = ConfigFileWatcher.start(file, DEBOUNCE, () -> {
            if (changes.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space (thrown by the test)");
            }
        });
        Files.writeString(file, "v2\n");
        await().atMost(LIMIT).until(() -> changes.get() >= 1);
        Thread.sleep(DEBOUNCE.toMillis() * 2);
        Files.writeString(file, "v3\n");
        await().atMost(LIMIT).until(() -> changes.get() >= 2);
    }

    @Test
    void aBurstOfWritesGivesOneCall() throws Exception {
        Path file = watch();
        for (int i = 0; i < 5; i++) {
            Files.writeString(file, "v" + i + "\n");
            Thread.sleep(30);
        }
        await().atMost(LIMIT).until(() -> changes.get() >= 1);
        staysAt(1);
    }

    @Test
    void otherFilesInTheDirectoryAreIgnored() throws Exception {
        watch();
        Files.writeString(dir.resolve("other.yaml"), "x\n");
        Files.writeString(dir.resolve("fulcrum.yaml.bak"), "x\n");
        staysAt(0);
    }

    @Test
    void nothingIsCalledAfterClose() throws Exception {
        Path file = watch();
        watcher.close();
        Files.writeString(file, "v2\n");
        staysAt(0);
    }
}
