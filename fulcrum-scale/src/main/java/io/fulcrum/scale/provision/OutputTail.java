package io.fulcrum.scale.provision;

import org.slf4j.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines a process wrote, kept so that a failure can say what the process said
 * before it (a backend's "address already in use", a script's error). Bounded in lines and
 * in the length of each, so a chatty process costs a few kilobytes.
 */
final class OutputTail {

    private static final int MAX_LINES = 20;
    private static final int MAX_LINE_CHARS = 300;

    private final Deque<String> lines = new ArrayDeque<>();

    /** Adds one line (cut to a bounded length), dropping the oldest beyond the bound. */
    synchronized void add(String line) {
        lines.addLast(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "..." : line);
        while (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
    }

    /** The lines kept, joined with " | ", or "" when there are none. */
    synchronized String text() {
        return String.join(" | ", lines);
    }

    /** {@code "; its output ended with: ..."} when there is output, else "". */
    String suffix() {
        String t = text();
        return t.isEmpty() ? "" : "; its output ended with: " + t;
    }

    /**
     * Reads {@code in} to its end on a virtual thread of its own, each line into this tail and
     * to {@code log} at debug level as {@code who: line}. The thread ends when the stream does
     * (the process exited and its descendants closed it).
     */
    Thread drain(InputStream in, Logger log, String who) {
        return Thread.ofVirtual().name("fulcrum-output-" + who).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    add(line);
                    log.debug("{}: {}", who, line);
                }
            } catch (IOException closed) {
                // The process is gone; what it wrote so far is kept.
            }
        });
    }
}
