package io.fulcrum.gslb.check;

import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.gslb.SiteConfig;
import io.fulcrum.core.config.gslb.VipConfig;
import io.fulcrum.core.config.health.HealthCheckConfig;
import io.fulcrum.health.check.CheckResult;
import io.fulcrum.health.check.HealthCheck;
import io.fulcrum.health.check.HealthChecks;
import io.fulcrum.health.check.RiseFall;
import io.fulcrum.health.check.TimeWeightedAverage;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Checks every VIP of the {@code gslb} section, the own site's too (so that its response
 * time is measured like the others'), each with the check its configuration names: the
 * health engine's check ({@link HealthChecks}), rise/fall verdict ({@link RiseFall}) and
 * time-weighted average ({@link TimeWeightedAverage}), so a site check can be any check a
 * pool runs.
 *
 * <p>Threads: a check blocks on a virtual thread of its own, as the health service's do;
 * timing and results run on the GSLB service's event loop, where the listener is called.
 * One monitor serves one configuration: a reload closes it and starts another.
 */
public final class VipMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VipMonitor.class);

    /** Told about each check result, on the event loop. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param now    the VIP's state with this result counted
         * @param change what the result did to the verdict
         * @param result the check's result
         */
        void checked(VipState now, RiseFall.Change change, CheckResult result);
    }

    private final EventLoop loop;
    private final Listener listener;
    private final ExecutorService workers;
    private final Map<String, List<Target>> bySite;
    /** Loop only. */
    private boolean closed;

    /** One VIP under check; its verdict and average change on the loop only. */
    private static final class Target {
        final String site;
        final VipConfig vip;
        final HealthCheckConfig config;
        final HealthCheck check;
        final String host;
        final int port;
        final RiseFall verdict;
        final TimeWeightedAverage average;
        String detail = "";
        ScheduledFuture<?> next;

        Target(String site, VipConfig vip, java.time.Duration halfLife) {
            this.site = site;
            this.vip = vip;
            this.config = vip.check();
            this.check = HealthChecks.create(config);
            InetSocketAddress a = vip.address().socketAddress();
            this.host = a.getHostString();
            this.port = config.port() != null ? config.port() : a.getPort();
            this.verdict = new RiseFall(config.rise(), config.fall());
            this.average = TimeWeightedAverage.withHalfLife(halfLife);
        }

        VipState state() {
            long avg = average.get();
            return new VipState(site, vip.address().toString(), check.type(), verdict.up(), avg < 0 ? Double.NaN : avg / 1e6,
                    detail);
        }
    }

    /** Builds the checks of every VIP of {@code config}; nothing runs before {@link #start()}. */
    public VipMonitor(GslbConfig config, EventLoop loop, Listener listener) {
        this.loop = loop;
        this.listener = listener;
        Map<String, List<Target>> m = new LinkedHashMap<>();
        for (SiteConfig site : config.sites()) {
            List<Target> list = new ArrayList<>();
            for (VipConfig vip : site.vips()) {
                list.add(new Target(site.name(), vip, config.checks().halfLife()));
            }
            m.put(site.name(), List.copyOf(list));
        }
        this.bySite = Map.copyOf(m);
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fulcrum-gslb-check-", 0).factory());
    }

    /** Schedules the first check of every VIP (spread over a quarter interval, as the pools' are). */
    public void start() {
        loop.execute(() -> {
            for (List<Target> list : bySite.values()) {
                for (Target t : list) {
                    schedule(t, ThreadLocalRandom.current().nextLong(Math.max(1, t.config.interval().toNanos() / 4)));
                }
            }
        });
    }

    /** The VIPs of this site as checked now, in configuration order; empty for an unknown site. Loop only. */
    public List<VipState> states(String site) {
        List<Target> list = bySite.get(site);
        if (list == null) {
            return List.of();
        }
        List<VipState> out = new ArrayList<>(list.size());
        for (Target t : list) {
            out.add(t.state());
        }
        return List.copyOf(out);
    }

    private void schedule(Target t, long delayNanos) {
        if (!closed) {
            t.next = loop.schedule(() -> workers.execute(() -> run(t)), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** On a virtual thread: the check blocks here, never on the loop. */
    private void run(Target t) {
        CheckResult r;
        try {
            r = t.check.run(t.host, t.port);
        } catch (RuntimeException e) {
            LOG.warn("gslb: {} check of {} failed unexpectedly: {}", t.check.type(), t.vip.address(), e.toString());
            r = CheckResult.failed("check failed: " + e, 0);
        }
        CheckResult result = r;
        try {
            loop.execute(() -> record(t, result));
        } catch (RejectedExecutionException e) {
            // The service stopped while this check ran: nobody wants its result.
        }
    }

    private void record(Target t, CheckResult r) {
        if (closed) {
            return; // a check of a configuration since replaced
        }
        if (r.ok()) {
            t.average.add(r.totalNanos(), System.nanoTime());
        }
        t.detail = r.detail();
        RiseFall.Change change = t.verdict.record(r.ok());
        long jitter = t.config.jitter().toNanos();
        schedule(t, t.config.interval().toNanos() + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter) : 0));
        listener.checked(t.state(), change, r);
    }

    /** Stops every check: pending ones are cancelled, running ones are interrupted and their results dropped. */
    @Override
    public void close() {
        Runnable stop = () -> {
            closed = true;
            for (List<Target> list : bySite.values()) {
                for (Target t : list) {
                    if (t.next != null) {
                        t.next.cancel(false);
                    }
                }
            }
        };
        if (loop.inEventLoop()) {
            stop.run();
        } else {
            loop.submit(stop).syncUninterruptibly();
        }
        workers.shutdownNow();
    }
}
