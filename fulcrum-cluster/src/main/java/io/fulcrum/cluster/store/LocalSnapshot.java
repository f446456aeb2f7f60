package io.fulcrum.cluster.store;

import io.fulcrum.control.store.StoreSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The last good configuration a node applied from the store, kept on its disk so that it
 * can start serving when the store is unreachable at boot. The file is the configuration's
 * YAML after one comment line naming the store prefix and revision; it is replaced
 * atomically (written beside, then renamed), so a crash never leaves half a file.
 */
final class LocalSnapshot {

    private static final String HEADER = "# fulcrum store snapshot: prefix ";
    private static final String REVISION = " revision ";

    private final Path file;
    private final String prefix;

    LocalSnapshot(Path file, String prefix) {
        this.file = file;
        this.prefix = prefix;
    }

    Path file() {
        return file;
    }

    /** Keeps this snapshot in place of the previous one. */
    void save(StoreSnapshot snapshot) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temp, HEADER + prefix + REVISION + snapshot.revision() + "\n" + snapshot.yaml(),
                    StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The kept snapshot, or empty when there is none, it is unreadable, or it was kept for
     * another prefix (a node moved to another configuration must not start from the old one).
     */
    Optional<StoreSnapshot> load() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int eol = text.indexOf('\n');
            String header = eol < 0 ? text : text.substring(0, eol);
            String expected = HEADER + prefix + REVISION;
            if (!header.startsWith(expected)) {
                return Optional.empty();
            }
            long revision = Long.parseLong(header.substring(expected.length()).trim());
            return Optional.of(new StoreSnapshot(eol < 0 ? "" : text.substring(eol + 1), revision, true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
