package io.fulcrum.app.node;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.proxy.ProxyServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One running Fulcrum process: the proxy and the services beside it, sharing one
 * {@link EventLog}. {@code fulcrum run} and {@code fulcrum demo} both start a node, so
 * the demo is the real thing.
 *
 * <p>Order: the proxy starts first and is applied first (a configuration it refuses
 * reaches no other service); the services start in the order they were added and close
 * in reverse.
 */
public final class FulcrumNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FulcrumNode.class);

    private final ProxyServer proxy;
    private final EventLog events;
    private final Path configFile;
    private final List<NodeService> services = new ArrayList<>();
    private final List<NodeService> started = new ArrayList<>();
    private volatile FulcrumConfig current;

    private FulcrumNode(FulcrumConfig config, Path configFile) {
        this.events = new EventLog();
        this.proxy = new ProxyServer(config);
        this.configFile = configFile;
        this.current = config;
    }

    /**
     * Builds a node for this configuration with every service it needs; nothing is
     * started yet.
     *
     * @param configFile the file it was read from ({@code null} when it came from elsewhere)
     */
    public static FulcrumNode create(FulcrumConfig config, Path configFile) {
        FulcrumNode node = new FulcrumNode(config, configFile);
        // Services beside the proxy are added here, in start order.
        node.add(new io.fulcrum.health.HealthService(node.proxy, node.events));
        node.add(new io.fulcrum.l4.service.L4Service(node.events()));
        node.add(new io.fulcrum.gslb.SiteStateService(node.proxy, node.events));
        node.add(new io.fulcrum.dns.DnsService(node.events()));
        return node;
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

    /** Applies a validated configuration to the proxy, then to every service. */
    public synchronized void apply(FulcrumConfig config) throws IOException {
        proxy.apply(config);
        current = config;
        IOException first = null;
        for (NodeService service : started) {
            try {
                service.apply(config);
            } catch (IOException e) {
                LOG.warn("{}: {}", service.name(), e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public ProxyServer proxy() {
        return proxy;
    }

    public EventLog events() {
        return events;
    }

    /** The configuration file this node was started from, or {@code null}. */
    public Path configFile() {
        return configFile;
    }

    /** The configuration now applied. */
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

    public List<NodeService> services() {
        return Collections.unmodifiableList(services);
    }

    /** Where each proxy listener is bound, by listener name. */
    public Map<String, InetSocketAddress> boundAddresses() {
        return proxy.boundAddresses();
    }

    /** Closes the services in reverse order, then shuts the proxy down gracefully. */
    @Override
    public synchronized void close() {
        closeStarted();
        proxy.close();
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
