package io.fulcrum.app;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.gslb.HandoffQuery;
import io.fulcrum.gslb.peer.PeerKey;
import io.fulcrum.gslb.site.GslbSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code fulcrum handoff -c FILE}: prints the GSLB hand-off table of the running node that
 * the file configures. It asks the node itself (a QUERY signed with one of the node's peer
 * keys, sent to {@code gslb.bind}), so what it prints is the table the node uses now.
 */
@Command(
        name = "handoff",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Print the GSLB hand-off table of a running node (asked over the site-state protocol).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:the table was printed", "1:the node did not answer in time",
                "2:invalid configuration, no gslb section, no peer to sign with, or unknown key id"})
public final class HandoffCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Option(names = "--address", paramLabel = "HOST:PORT",
            description = "The node's site-state address (default: gslb.bind, a wildcard meaning this host).")
    private String address;

    @Option(names = "--key-id", paramLabel = "ID", description = "Which peer key signs the query (default: the first peer's).")
    private String keyId;

    @Option(names = "--timeout", paramLabel = "MILLIS", defaultValue = "3000",
            description = "How long to wait for the answer, in milliseconds (default: ${DEFAULT-VALUE}).")
    private long timeoutMillis;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        GslbSettings settings;
        try {
            FulcrumConfig whole = config.load().config();
            GslbConfig g = whole.gslb();
            if (!g.enabled()) {
                err.println(config.file() + ": no gslb section (gslb.site): this node has no hand-off table");
                err.flush();
                return ExitCodes.INVALID;
            }
            if (g.peers().isEmpty()) {
                // The node answers only signed queries, and the keys are the peers' shared secrets.
                err.println(config.file() + ": the gslb section of site " + g.site() + " has no peers, so there is"
                        + " no key to sign the query with (gslb.peers[].secret); ask the admin API instead:"
                        + " fulcrum ctl handoff");
                err.flush();
                return ExitCodes.INVALID;
            }
            settings = GslbSettings.of(g, whole.sites());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        } catch (IOException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        PeerKey key = keyId == null ? settings.peers().getFirst().key() : settings.keys().get(keyId);
        if (key == null) {
            err.println("no peer key with id \"" + keyId + "\" in " + config.file());
            err.flush();
            return ExitCodes.INVALID;
        }
        HostPort at;
        try {
            at = address != null ? HostPort.parse(address, HostPort.Use.LISTEN) : settings.config().bind();
        } catch (IllegalArgumentException e) {
            err.println("--address: " + e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        InetSocketAddress node = at.socketAddress();
        if (node.getAddress() != null && node.getAddress().isAnyLocalAddress()) {
            node = new InetSocketAddress("127.0.0.1", node.getPort());
        }
        try {
            HandoffQuery.Answer answer = HandoffQuery.ask(node, key, Duration.ofMillis(timeoutMillis).toMillis());
            PrintWriter out = spec.commandLine().getOut();
            out.print(answer.format());
            out.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("fulcrum handoff: " + e.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
    }
}
