package io.fulcrum.app.node;

import io.fulcrum.admin.AdminNode;
import io.fulcrum.admin.AdminService;
import io.fulcrum.admin.state.AdminState;
import io.fulcrum.control.reload.CompileCheck;
import io.fulcrum.control.reload.ConfigReloader;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.control.reload.RestartRequiredFields;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.dns.DnsService;
import io.fulcrum.gslb.SiteStateService;
import io.fulcrum.health.HealthService;
import io.fulcrum.l4.service.L4Service;
import io.fulcrum.nativeio.ReservedCpus;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.scale.RunningPools;
import io.fulcrum.scale.ScaleService;
import io.fulcrum.scale.ScaledMembers;
import io.fulcrum.core.backend.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One running Fulcrum process: the proxy and the services beside it, sharing one
 * {@link EventLog}. {@code fulcrum run} and {@code fulcrum demo} both start a node, so
 * the demo is the real thing.
 *
 * <p>Order: the proxy starts first and is applied first (a configuration it refuses
 * reaches no other service); the services start in the order they were added and close
 * in reverse.
 */
public final class FulcrumNode implements AutoCloseable, AdminNode {

    private static final Logger LOG = LoggerFactory.getLogger(FulcrumNode.class);

    private final ProxyServer proxy;
    private final EventLog events;
    private final Path configFile;
    private final List<NodeService> services = new ArrayList<>();
    private final List<NodeService> started = new ArrayList<>();
    private volatile FulcrumConfig current;
    /** The operator's persisted changes (admin API), laid over every configuration applied. */
    private final UnaryOperator<FulcrumConfig> overlay;
    /** The last configuration given, before the overlay (what {@link #reapply()} applies again). */
    private FulcrumConfig given;
    /** The first configuration: fields read only at start keep its values ({@link RestartRequiredFields}). */
    private final FulcrumConfig startedWith;
    /** The one path every new configuration takes: file watch, SIGHUP, the admin API, a store. */
    private final ConfigReloader reloader;
    /** Set when {@link #close} begins: the autoscaler applies nothing any more. */
    private volatile boolean closing;

    private FulcrumNode(FulcrumConfig config, Path configFile, Path reloadFile, UnaryOperator<FulcrumConfig> overlay) {
        this.events = new EventLog();
        this.overlay = overlay;
        this.given = config;
        this.reloader = new ConfigReloader(reloadFile, config, FulcrumNode::check, this::apply, events);
        config = overlay.apply(config);
        this.startedWith = config;
        keepEventLoopsOffThePacketCpu(config); // before the first event loop is made (the proxy's, below)
        this.proxy = new ProxyServer(config);
        this.configFile = configFile;
        this.current = config;
    }

    /**
     * Reserves the packet threads' CPU when the configuration has a packet-mode service: every
     * event loop made from now on (proxy, L4, DNS, GSLB, admin, syslog) and the DNS server's
     * batch UDP threads keep off it ({@link ReservedCpus}). Read once, at start: a reload that
     * adds the first packet-mode service moves no running thread.
     */
    private static void keepEventLoopsOffThePacketCpu(FulcrumConfig config) {
        int cpu = io.fulcrum.packet.PacketService.reservedCpu(config);
        ReservedCpus.reserve(cpu);
        if (cpu >= 0) {
            LOG.info("CPU {} is kept for the packet path: the event loops run on the others", cpu);
        }
    }

    /**
     * Builds a node for this configuration with every service it needs; nothing is
     * started yet.
     *
     * @param configFile the file it was read from ({@code null} when it came from elsewhere)
     */
    public static FulcrumNode create(FulcrumConfig config, Path configFile) {
        return create(config, configFile, configFile, null);
    }

    /**
     * Builds a node as {@link #create(FulcrumConfig, Path)} does, keeping its state (a relative
     * {@code admin.stateFile}) in {@code stateDir} rather than beside the configuration file.
     *
     * @param stateDir where state files go ({@code null}: beside the configuration file)
     */
    public static FulcrumNode create(FulcrumConfig config, Path configFile, Path stateDir) {
        return create(config, configFile, configFile, stateDir);
    }

    /**
     * Builds a node whose configuration comes from a store ({@code store.etcd}): the file is only
     * its bootstrap, so a reload never reads it (that would apply the bootstrap alone); new
     * configurations come through {@link ConfigReloader#offer}.
     *
     * @param bootstrapFile the bootstrap file (relative paths, the state file, the status view)
     */
    public static FulcrumNode createFollowingStore(FulcrumConfig config, Path bootstrapFile) {
        return createFollowingStore(config, bootstrapFile, null);
    }

    /** {@link #createFollowingStore(FulcrumConfig, Path)} with state files in {@code stateDir} ({@code null}: beside the file). */
    public static FulcrumNode createFollowingStore(FulcrumConfig config, Path bootstrapFile, Path stateDir) {
        return create(config, bootstrapFile, null, stateDir);
    }

    private static FulcrumNode create(FulcrumConfig config, Path configFile, Path reloadFile, Path stateDir) {
        AdminState adminState = AdminState.open(config, configFile, stateDir);
        // Cluster mode: the operator's changes are the fleet's, read from etcd before the first overlay.
        OperatorStateLink operatorState = OperatorStateLink.open(config, configFile, adminState);
        // The autoscaler's members come first, then the operator's changes (which may drain or fail one of them).
        ScaledMembers scaled = new ScaledMembers();
        FulcrumNode node = new FulcrumNode(config, configFile, reloadFile, c -> adminState.apply(scaled.apply(c)));
        // Services beside the proxy are added here, in start order.
        io.fulcrum.health.HealthService health = new io.fulcrum.health.HealthService(node.proxy, node.events);
        node.add(health);
        node.add(new HealthAdminBridge(health));
        io.fulcrum.l4.service.L4Service l4 = new io.fulcrum.l4.service.L4Service(node.events());
        l4.sharedBackends(node.proxy::backend); // one live Backend per pool member, for HTTP and L4 alike
        node.add(l4);
        io.fulcrum.packet.PacketService packet = new io.fulcrum.packet.PacketService(node.events());
        packet.sharedBackends(node.proxy::backend); // health, drains and weights steer packet-mode pools too
        l4.alsoShow(packet); // fulcrum conns and the admin API show the packet path's table with the router's
        node.add(packet);
        node.add(new VirtualServicesAdminView(l4));
        io.fulcrum.gslb.SiteStateService sites = new io.fulcrum.gslb.SiteStateService(node.proxy, node.events);
        node.add(sites);
        node.add(new GslbAdminBridge(sites));
        io.fulcrum.dns.DnsService dns = new io.fulcrum.dns.DnsService(node.events());
        dns.siteState(sites); // GSLB records answer by what the site-state peers know
        node.add(dns);
        node.add(new DnsAdminBridge(dns));
        AdminService admin = new AdminService(node, adminState);
        // A weight the operator fixed through the API is left alone by the adaptive loop.
        health.operatorFixedWeights((pool, backend) -> admin.fixedWeight(pool, backend) != null);
        node.add(admin);
        if (operatorState != null) {
            operatorState.announceOn(node.events()); // the other nodes' changes, on this node's event log
            node.add(operatorState); // after the admin service, which puts the fleet's changes into service
        }
        ScaleService scale = new ScaleService(node.events(), node.runningPools(), scaled,
                new ScaleSignals(admin, health));
        if (adminState.file() != null && configFile != null) {
            // The operator's pause, size and protections outlive a restart, beside the admin state file
            // (a node made from no file, as tests make them, keeps nothing on disk for them).
            String name = adminState.file().getFileName().toString().replaceFirst("\\.json$", "");
            scale.keepOperatorSettingsIn(adminState.file().resolveSibling(name + ".autoscale.json"));
        }
        if (config.cluster().enabled() && config.controller().enabled()) {
            scale.expectFleet(); // the elected controller runs the scalers: they wait for the fleet to join
        }
        node.add(scale);
        node.add(new ScaleMetrics(scale));
        ClusterNode.addTo(node, dns, l4, () -> admin, scale);
        return node;
    }

    /**
     * Compiles everything {@link #create} and {@link #start} compile from a configuration, short of
     * binding a socket or starting a thread, and drops it: the proxy's runtime (listener certificates
     * and keys, TLS to backends, balancers), the pools' health settings, the virtual services, the
     * site-state peers' secrets, the DNS zones and GSLB records, the admin API's tokens and
     * certificate. {@code fulcrum validate} and {@code fulcrum run} both go through it, so a file that
     * validates is a file that starts; every reload and the admin API's validate make the same
     * check ({@link #compileCheck()}) before anything is applied. A service added to {@link #create}
     * that compiles something adds its check here.
     *
     * @return the first problem of each part that refuses the configuration; empty when all compile
     */
    public static List<InvalidFieldException> check(FulcrumConfig config) {
        List<Consumer<FulcrumConfig>> parts = List.of(ProxyServer::check, HealthService::check, L4Service::check,
                io.fulcrum.packet.PacketService::check, SiteStateService::check, DnsService::check, AdminService::check);
        List<InvalidFieldException> problems = new ArrayList<>();
        for (Consumer<FulcrumConfig> part : parts) {
            try {
                part.accept(config);
            } catch (InvalidFieldException e) {
                problems.add(e);
            } catch (RuntimeException e) { // a refusal that names no field: reported for the whole file
                problems.add(new InvalidFieldException("", String.valueOf(e.getMessage()), e));
            }
        }
        return problems;
    }

    /** {@link #check}, for the admin API's validate (the reloader is given it at construction). */
    @Override
    public CompileCheck compileCheck() {
        return FulcrumNode::check;
    }

    /** Adds a service to start after the proxy (before {@link #start()}). */
    public FulcrumNode add(NodeService service) {
        services.add(service);
        return this;
    }

    /** Starts the proxy, then every service; on a failure, closes what already started. */
    public synchronized void start() throws IOException {
        proxy.start();
        try {
            for (NodeService service : services) {
                service.start(current);
                started.add(service);
            }
        } catch (IOException | RuntimeException e) {
            closeStarted();
            throw e;
        }
    }

    /**
     * Applies a validated configuration to the proxy, then to every service. Fields read
     * only at start keep their running values; a listener that could not move keeps its
     * old address (see {@code ProxyServer.apply}), and {@link #config()} says so.
     *
     * <p>New configurations from outside go through {@link #reload} or {@link #offer}, which
     * compare, log and publish; this is what they call to put one into service.
     */
    public synchronized void apply(FulcrumConfig config) throws IOException {
        given = config;
        config = RestartRequiredFields.keep(startedWith, overlay.apply(config));
        List<IOException> failures = new ArrayList<>();
        try {
            proxy.apply(config);
        } catch (IOException e) {
            failures.add(e); // a listener that could not bind: the other sections still apply
        } finally {
            config = proxy.runtime().config(); // what the proxy could put into service
            current = config;
        }
        for (NodeService service : started) {
            try {
                service.apply(config);
            } catch (IOException e) {
                LOG.warn("{}: {}", service.name(), e.getMessage());
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            // One message naming every part that failed (each listener, each service).
            IOException all = new IOException(String.join("; ", failures.stream().map(Throwable::getMessage).toList()),
                    failures.getFirst());
            failures.stream().skip(1).forEach(all::addSuppressed);
            throw all;
        }
    }

    /**
     * Reloads the configuration file (a file change, SIGHUP, the admin API all come here).
     * Never throws; the result says per section what changed.
     */
    public ReloadResult reload(String trigger) {
        return reloader.reload(trigger);
    }

    /** Like {@link #reload(String)}, asked by an operator (named as the event's actor). */
    @Override
    public ReloadResult reload(String trigger, String actor) {
        return reloader.reload(trigger, actor);
    }

    /**
     * Puts a configuration that came from elsewhere (a configuration store) into service
     * through the same reloader as the file: validated, compiled, compared, logged, published.
     */
    public ReloadResult offer(FulcrumConfig candidate, String source, String trigger) {
        return reloader.offer(candidate, source, trigger);
    }

    /** The node's reloader (its baseline is the last configuration given, before the operator's changes). */
    @Override
    public ConfigReloader reloader() {
        return reloader;
    }

    /** Applies the last configuration again, with the overlay as it is now (after an operator's change). */
    @Override
    public synchronized void reapply() throws IOException {
        apply(given);
    }

    /** The pools as the autoscaler sees them: their live backends, and applying its members. */
    private RunningPools runningPools() {
        return new RunningPools() {
            @Override
            public List<Backend> backends(String pool) {
                PoolRuntime p = proxy.runtime().pools().get(pool);
                return p == null ? List.of() : p.backends();
            }

            @Override
            public void reapply() throws IOException {
                synchronized (FulcrumNode.this) {
                    if (closing) {
                        throw new IOException("the node is closing");
                    }
                    FulcrumNode.this.reapply();
                }
            }
        };
    }

    @Override
    public ProxyServer proxy() {
        return proxy;
    }

    @Override
    public EventLog events() {
        return events;
    }

    /** The configuration file this node was started from, or {@code null}. */
    @Override
    public Path configFile() {
        return configFile;
    }

    /** The configuration now applied. */
    @Override
    public FulcrumConfig config() {
        return current;
    }

    /** The service of this type, or {@code null}. */
    public <T extends NodeService> T service(Class<T> type) {
        for (NodeService s : services) {
            if (type.isInstance(s)) {
                return type.cast(s);
            }
        }
        return null;
    }

    @Override
    public List<NodeService> services() {
        return Collections.unmodifiableList(services);
    }

    /** Where each proxy listener is bound, by listener name. */
    public Map<String, InetSocketAddress> boundAddresses() {
        return proxy.boundAddresses();
    }

    /** Stops reloading, closes the services in reverse order, then shuts the proxy down gracefully. */
    @Override
    public void close() {
        closing = true;
        reloader.close(); // outside the node's lock: waits for a reload in progress, which takes it
        synchronized (this) {
            closeStarted();
            proxy.close();
        }
    }

    private void closeStarted() {
        for (int i = started.size() - 1; i >= 0; i--) {
            NodeService service = started.get(i);
            try {
                service.close();
            } catch (RuntimeException e) {
                LOG.warn("{} did not close cleanly: {}", service.name(), e.toString());
            }
        }
        started.clear();
    }
}
