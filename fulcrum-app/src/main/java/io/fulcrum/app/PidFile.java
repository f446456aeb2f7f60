package io.fulcrum.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The {@code --pid-file}: written with this process's id once it serves, removed when it
 * stops, and read by {@code fulcrum reload} to find the process to signal.
 */
final class PidFile implements AutoCloseable {

    private final Path file;
    private final long pid;

    private PidFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    /** Writes this process's id (and a newline) to {@code file}, replacing what was there. */
    static PidFile write(Path file) throws IOException {
        long pid = ProcessHandle.current().pid();
        Path parent = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(parent, ".fulcrum-pid", ".tmp");
        try {
            Files.writeString(temp, pid + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return new PidFile(file, pid);
    }

    /**
     * Reads a process id from a pid file.
     *
     * @throws IOException when the file is missing, unreadable or does not hold a process id (the message says which)
     */
    static long read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            throw new IOException("pid file " + file + " does not exist (is fulcrum running with --pid-file?)");
        } catch (IOException e) {
            throw new IOException("cannot read pid file " + file + ": " + e.getMessage(), e);
        }
        try {
            long pid = Long.parseLong(text);
            if (pid <= 0) {
                throw new NumberFormatException();
            }
            return pid;
        } catch (NumberFormatException e) {
            throw new IOException("pid file " + file + " does not hold a process id (got \"" + text + "\")");
        }
    }

    /** Removes the file, unless another process has written its own id there since. */
    @Override
    public void close() {
        try {
            if (read(file) == pid) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // Already gone or replaced: nothing of ours to remove.
        }
    }
}
