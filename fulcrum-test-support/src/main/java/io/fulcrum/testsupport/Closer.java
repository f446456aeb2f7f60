package io.fulcrum.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (processes, clients, servers), closed last first when the test ends.
 * Held in a field marked {@code @AutoClose}, so JUnit closes it after each test.
 */
public final class Closer implements AutoCloseable {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Registers {@code resource} to be closed, and returns it. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        opened.add(resource);
        return resource;
    }

    /** Closes everything registered, the last first; the first failure is thrown once all are closed. */
    @Override
    public synchronized void close() throws Exception {
        Exception first = null;
        for (AutoCloseable c : opened.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }
}
