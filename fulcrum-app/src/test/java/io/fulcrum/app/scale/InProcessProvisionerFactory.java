package io.fulcrum.app.scale;

import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.core.provision.ProvisionerFactory;
import io.fulcrum.testsupport.NamedBackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provisioner for the admin surface's tests (registered from this module's test class path as
 * {@code in-process}): each member is a real HTTP backend on a free loopback port, in the test's
 * own JVM, so that the tests of the API and {@code ctl scale} need no process to start. The
 * behaviour tests use the shipped {@code process} provisioner.
 */
public final class InProcessProvisionerFactory implements ProvisionerFactory<InProcessProvisionerFactory.Settings> {

    /** @param prefix the members' name prefix; default {@code member} */
    public record Settings(String prefix) {
        public Settings {
            prefix = prefix == null ? "member" : prefix;
        }
    }

    /** Every member running now, of any provisioner of this kind, by name (the tests look at them). */
    public static final Map<String, NamedBackend> RUNNING = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();

    @Override
    public String name() {
        return "in-process";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public Provisioner create(Settings settings) {
        java.util.Set<String> mine = ConcurrentHashMap.newKeySet();
        return new Provisioner() {
            @Override
            public Result start(String pool, long generation, Instant deadline) {
                String name = settings.prefix() + "-" + NEXT.incrementAndGet();
                try {
                    NamedBackend b = NamedBackend.start(name);
                    RUNNING.put(name, b);
                    mine.add(name);
                    return new Result(true, new Member(name, b.address(), Map.of()), "in this JVM");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public Result stop(Member member, long generation, Instant deadline) {
                NamedBackend b = RUNNING.remove(member.name());
                if (b != null) {
                    b.close();
                }
                return new Result(true, null, b == null ? "was not running" : "closed");
            }

            @Override
            public Result replace(Member member, long generation, Instant deadline) {
                stop(member, generation, deadline);
                return start("", generation, deadline);
            }

            @Override
            public Listing list(String pool, Instant deadline) {
                return Listing.of(List.of());
            }

            @Override
            public void close() {
                // Like the process provisioner: its members do not outlive it.
                for (String name : mine) {
                    NamedBackend b = RUNNING.remove(name);
                    if (b != null) {
                        b.close();
                    }
                }
            }
        };
    }
}
