package io.fulcrum.gslb.check;

import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.health.check.CheckResult;
import io.fulcrum.health.check.HealthChecks;
import io.fulcrum.health.check.RiseFall;
import io.fulcrum.health.check.ScheduledCheck;
import io.fulcrum.health.check.TimeWeightedAverage;
import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Checks every VIP of the {@code gslb} section, the own site's too (so that its response
 * time is measured like the others'), each with the check its configuration names, through
 * the health engine's {@link ScheduledCheck} (the pools' backends are checked with the same:
 * one scheduling, rise/fall and time-weighted average), so a site check can be any check a
 * pool runs ({@link HealthChecks}).
 *
 * <p>Threads: the GSLB service's event loop times the checks, each check blocks on a
 * virtual thread of its own; results are handed to the loop, where the listener is called.
 * One monitor serves one configuration: a reload closes it and starts another.
 */
public final class VipMonitor implements AutoCloseable {

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

    /** One VIP under check: the health engine's scheduled check and where it points. */
    private static final class Target {
        final String site;
        final VipConfig vip;
        final ScheduledCheck check;

        Target(String site, VipConfig vip, java.time.Duration halfLife) {
            this.site = site;
            this.vip = vip;
            this.check = new ScheduledCheck(vip.check(), TimeWeightedAverage.withHalfLife(halfLife));
        }

        VipState state() {
            long avg = check.average().get();
            CheckResult last = check.last();
            return new VipState(site, vip.endpoint().toString(), check.type(), check.verdict().up(),
                    avg < 0 ? Double.NaN : avg / 1e6, last == null ? "" : last.detail());
        }
    }

    /** Builds the checks of every VIP of {@code sites}; nothing runs before {@link #start()}. */
    public VipMonitor(GslbConfig config, List<SiteConfig> sites, EventLoop loop, Listener listener) {
        this.loop = loop;
        this.listener = listener;
        Map<String, List<Target>> m = new LinkedHashMap<>();
        for (SiteConfig site : sites) {
            List<Target> list = new ArrayList<>();
            for (VipConfig vip : site.vips()) {
                list.add(new Target(site.name(), vip, config.checks().halfLife()));
            }
            m.put(site.name(), List.copyOf(list));
        }
        this.bySite = Map.copyOf(m);
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fulcrum-gslb-check-", 0).factory());
    }

    /** Starts checking every VIP; the loop times the checks, virtual threads run them. */
    public void start() {
        for (List<Target> list : bySite.values()) {
            for (Target t : list) {
                InetSocketAddress a = t.vip.endpoint().socketAddress();
                t.check.start(a.getHostString(), a.getPort(), loop, workers,
                        (check, result, change) -> report(t, result, change));
            }
        }
    }

    /** The VIPs of this site as checked now, in configuration order; empty for an unknown site. */
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

    /** On the check's virtual thread: hands the result to the loop, where the listener runs. */
    private void report(Target t, CheckResult result, RiseFall.Change change) {
        VipState now = t.state();
        try {
            loop.execute(() -> {
                if (!closed) { // else a check of a configuration since replaced
                    listener.checked(now, change, result);
                }
            });
        } catch (RejectedExecutionException e) {
            // The service stopped while this check ran: nobody wants its result.
        }
    }

    /** Stops every check: pending ones are cancelled, running ones are interrupted and their results dropped. */
    @Override
    public void close() {
        Runnable stop = () -> {
            closed = true;
            for (List<Target> list : bySite.values()) {
                for (Target t : list) {
                    t.check.stop();
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
