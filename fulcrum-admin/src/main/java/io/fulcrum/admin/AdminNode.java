package io.fulcrum.admin;

import io.fulcrum.control.reload.CompileCheck;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.proxy.ProxyServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the admin server needs from the running node: the proxy and its runtime, the
 * event log, the other services (read through the interfaces they implement), and the
 * way to put a changed configuration into service. {@code FulcrumNode} implements it.
 */
public interface AdminNode {

    /** The data plane (runtime snapshot, live backends, sticky tables). */
    ProxyServer proxy();

    /** The node's event log. */
    EventLog events();

    /** The file the configuration was read from, or {@code null}. */
    Path configFile();

    /** The configuration now applied (with the operator's changes laid over it). */
    FulcrumConfig config();

    /** Every service beside the proxy, in start order. */
    List<NodeService> services();

    /**
     * Reloads the configuration file through the node's one reloader (the same path as a
     * file change or SIGHUP): validated, compared section by section, applied, logged and
     * published. Never throws.
     *
     * @param trigger what asked, for the log and the event ({@code admin API})
     * @param actor   who asked: the token's name, the actor of the {@code config.reload} event
     */
    ReloadResult reload(String trigger, String actor);

    /** The node's one reloader, for its counts and times of reloads ({@code /metrics}). */
    io.fulcrum.control.reload.ConfigReloader reloader();

    /**
     * Compiles a configuration as this node would run it (every service's part, short of binding),
     * the same check {@code fulcrum validate}, {@code fulcrum run} and every reload make; the
     * admin API's validate answers with what it refuses.
     */
    CompileCheck compileCheck();

    /**
     * Puts a configuration into service on the proxy and every service. The node lays the
     * operator's persisted changes over it first.
     */
    void apply(FulcrumConfig config) throws IOException;

    /**
     * Applies the last configuration given to {@link #apply} again, under the same lock, so
     * that an operator's change never re-applies a configuration a concurrent reload replaced.
     */
    void reapply() throws IOException;
}
