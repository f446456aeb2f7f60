package io.fulcrum.admin.testing;

import io.fulcrum.admin.AdminNode;
import io.fulcrum.admin.AdminService;
import io.fulcrum.admin.state.AdminState;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.proxy.ProxyServer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A node as {@code FulcrumNode} builds it (proxy, admin service, state file laid over
 * every configuration), for the admin module's own tests. The app module tests the real
 * {@code FulcrumNode} through the demo.
 */
public final class TestNode implements AdminNode, AutoCloseable {

    private final Path file;
    private final AdminState state;
    private final EventLog events = new EventLog();
    private final ProxyServer proxy;
    private final AdminService admin;
    private final List<NodeService> services = new ArrayList<>();
    private volatile FulcrumConfig current;
    private FulcrumConfig given;
    private final io.fulcrum.control.reload.ConfigReloader reloader;

    private TestNode(Path file, FulcrumConfig config, List<NodeService> extra) {
        this.file = file;
        this.state = AdminState.open(config, file);
        this.given = config;
        this.current = state.overlay(config);
        this.proxy = new ProxyServer(current);
        this.admin = new AdminService(this, state);
        services.add(admin);
        services.addAll(extra);
        this.reloader = new io.fulcrum.control.reload.ConfigReloader(file, config, compileCheck(), this::apply, events);
    }

    /** Loads {@code file} and starts a node on it, with extra services beside the admin one. */
    public static TestNode start(Path file, NodeService... extra) throws Exception {
        TestNode n = new TestNode(file, ConfigLoader.load(file), List.of(extra));
        n.proxy.start();
        for (NodeService s : n.services) {
            s.start(n.current);
        }
        return n;
    }

    @Override
    public ProxyServer proxy() {
        return proxy;
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public Path configFile() {
        return file;
    }

    @Override
    public FulcrumConfig config() {
        return current;
    }

    @Override
    public List<NodeService> services() {
        return services;
    }

    /** The parts of {@code FulcrumNode.check} this node runs: the proxy's and the admin server's. */
    @Override
    public io.fulcrum.control.reload.CompileCheck compileCheck() {
        return config -> {
            List<io.fulcrum.core.config.InvalidFieldException> problems = new ArrayList<>();
            for (java.util.function.Consumer<FulcrumConfig> part
                    : List.<java.util.function.Consumer<FulcrumConfig>>of(ProxyServer::check, AdminService::check)) {
                try {
                    part.accept(config);
                } catch (io.fulcrum.core.config.InvalidFieldException e) {
                    problems.add(e);
                }
            }
            return problems;
        };
    }

    @Override
    public synchronized void apply(FulcrumConfig config) throws IOException {
        given = config;
        FulcrumConfig c = state.overlay(config);
        proxy.apply(c);
        current = c;
        for (NodeService s : services) {
            s.apply(c);
        }
    }

    @Override
    public io.fulcrum.control.reload.ReloadResult reload(String trigger, String actor) {
        return reloader.reload(trigger, actor);
    }

    @Override
    public io.fulcrum.control.reload.ConfigReloader reloader() {
        return reloader;
    }

    @Override
    public synchronized void reapply() throws IOException {
        apply(given);
    }

    public AdminService admin() {
        return admin;
    }

    /** The admin server's base URL. */
    public URI adminUri() {
        return URI.create(admin.url());
    }

    /** The proxy listener's base URL. */
    public URI proxyUri(String listener) {
        var a = proxy.boundAddresses().get(listener);
        return URI.create("http://127.0.0.1:" + a.getPort() + "/");
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        proxy.shutdownGracefully(java.time.Duration.ofMillis(200));
    }
}
