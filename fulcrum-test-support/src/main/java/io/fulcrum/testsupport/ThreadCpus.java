package io.fulcrum.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where threads may run, as the kernel shows it: the {@code Cpus_allowed_list} line of
 * {@code /proc/.../status} (e.g. {@code 0-3,5}), for one thread or every thread of a process.
 */
public final class ThreadCpus {

    private ThreadCpus() {
    }

    /** The calling thread's list. */
    public static String ofCallingThread() {
        return of(Path.of("/proc/thread-self/status"));
    }

    /** The list of a status file ({@code /proc/PID/status}, {@code /proc/PID/task/TID/status}). */
    public static String of(Path status) {
        try {
            return Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Cpus_allowed_list in " + status));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every thread of a process: {@code NAME/TID} (the name as the kernel keeps it, 15
     * characters at most) to its list; a thread that ends while it is read is left out.
     */
    public static Map<String, String> ofThreads(long pid) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    out.put(comm + "/" + task.getFileName(), of(task.resolve("status")));
                } catch (NoSuchFileException | UncheckedIOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
