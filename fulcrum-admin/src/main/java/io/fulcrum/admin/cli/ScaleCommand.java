package io.fulcrum.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.admin.api.ApiEndpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.fulcrum.admin.cli.Table.col;

/**
 * {@code fulcrum ctl scale status|pause|resume|set|protect|unprotect}: the autoscaler of the node (docs/autoscaling.md).
 * {@code pause}, {@code resume} and {@code set} take {@value #PROXY_TIER} for the cluster's proxy tier.
 */
@Command(name = "scale", description = {"The autoscaler: sizes and decisions per pool and for the proxy tier; "
        + "pause, resume, or set a size.", "POOL proxy-tier names the cluster's proxy tier (pause, resume, set)."},
        subcommands = {ScaleCommand.Status.class, ScaleCommand.Pause.class, ScaleCommand.Resume.class,
                ScaleCommand.Set.class, ScaleCommand.Protect.class, ScaleCommand.Unprotect.class})
final class ScaleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing scale command (status, pause, resume, set, protect or unprotect)");
    }

    private static final List<Table.Column> POOL_COLUMNS = List.of(col("POOL", "pool"), col("PROVISIONER", "provisioner"), col("CURRENT", "current"),
            col("DESIRED", "desired"), col("MIN", "min"), col("MAX", "max"), col("METRIC", "metric"),
            col("PAUSED", "paused"), col("SET", "operatorSize"), col("DRY_RUN", "dryRun"), col("ACTION", "action"),
            col("COOLDOWN_UNTIL", "cooldownUntil"), col("LAST_DECISION", "lastDecision.reason"));

    /** The proxy tier's reserved name, in place of a pool's. */
    static final String PROXY_TIER = "proxy-tier";

    private static void printPool(PrintWriter out, JsonNode pool) {
        Table.print(out, AdminClient.JSON.createArrayNode().add(pool), POOL_COLUMNS);
    }

    @Command(name = "status", description = "Every autoscaled pool, then the proxy tier: current and desired size, "
            + "paused or set, the last decision, members.")
    static final class Status extends CtlCommand.Action {
        Status() {
            super(ApiEndpoint.SCALE);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            var rows = AdminClient.JSON.createArrayNode();
            var members = AdminClient.JSON.createArrayNode();
            a.path("pools").forEach(p -> {
                rows.add(p);
                p.path("members").forEach(m -> members.addObject().put("pool", p.path("pool").asText())
                        .put("name", m.path("name").asText()).put("address", m.path("address").asText())
                        .put("state", m.path("state").asText())
                        .put("from", m.path("provisioned").asBoolean() ? "provisioner" : "file")
                        .put("draining", m.path("draining").asBoolean())
                        .put("protected", m.path("protected").asBoolean())
                        .put("downSince", m.path("downSince").asText("")));
            });
            JsonNode tier = a.path("proxyTier");
            if (rows.isEmpty() && tier.isMissingNode()) {
                out.println("no pool has an autoscale policy");
                return;
            }
            if (!rows.isEmpty()) {
                Table.print(out, rows, POOL_COLUMNS);
                out.println();
                Table.print(out, members, List.of(col("POOL", "pool"), col("MEMBER", "name"),
                        col("ADDRESS", "address"), col("STATE", "state"), col("FROM", "from"),
                        col("DRAINING", "draining"), col("PROTECTED", "protected"), col("DOWN_SINCE", "downSince")));
            }
            if (!tier.isMissingNode()) {
                printProxyTier(out, tier);
            }
        }

        /** The proxy tier: its sizes and last decision, then its nodes. */
        private static void printProxyTier(PrintWriter out, JsonNode tier) {
            out.println();
            var row = AdminClient.JSON.createObjectNode().put("tier", "proxies")
                    .put("leads", tier.path("leads").asBoolean()).put("leader", tier.path("leader").asText())
                    .put("current", tier.path("current").asInt()).put("desired", tier.path("desired").asInt())
                    .put("paused", tier.path("paused").asBoolean())
                    .put("operatorSize", tier.path("operatorSize").isInt() ? tier.path("operatorSize").asText() : "")
                    .put("metric", tier.path("policy").path("metric").asText())
                    .put("decision", tier.path("lastDecision").path("reason").asText(""));
            Table.print(out, AdminClient.JSON.createArrayNode().add(row), List.of(col("TIER", "tier"),
                    col("LEADS", "leads"), col("LEADER", "leader"), col("CURRENT", "current"),
                    col("DESIRED", "desired"), col("PAUSED", "paused"), col("SET", "operatorSize"),
                    col("METRIC", "metric"), col("LAST_DECISION", "decision")));
            out.println();
            var nodes = AdminClient.JSON.createArrayNode();
            tier.path("members").forEach(m -> nodes.addObject().put("node", m.path("node").asText())
                    .put("state", m.path("state").asText()).put("address", m.path("address").asText())
                    .put("from", m.path("provisioned").asBoolean() ? "provisioner" : "operator")
                    .put("intent", m.path("intent").asText(""))
                    .put("requests", m.path("requestsPerSecond").asDouble())
                    .put("connections", m.path("clientConnections").asInt())
                    .put("protected", m.path("protected").asBoolean()));
            Table.print(out, nodes, List.of(col("NODE", "node"), col("STATE", "state"), col("ADDRESS", "address"),
                    col("FROM", "from"), col("INTENT", "intent"), col("REQ/S", "requests"),
                    col("CONNECTIONS", "connections"), col("PROTECTED", "protected")));
        }
    }

    /** A change of one pool's scaler. */
    abstract static class PoolAction extends CtlCommand.Action {
        @Parameters(index = "0", paramLabel = "POOL", description = "The pool (or " + PROXY_TIER
                + ", the cluster's proxy tier; its MEMBER is a node id).")
        String pool;

        PoolAction(ApiEndpoint endpoint) {
            super(endpoint);
        }

        @Override
        JsonNode run(AdminClient client) throws IOException {
            return client.call(calls().getFirst(), null, body(), pool);
        }

        Object body() {
            return null;
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            if (PROXY_TIER.equals(pool)) {
                Status.printProxyTier(out, a);
            } else {
                printPool(out, a);
            }
        }
    }

    @Command(name = "pause", description = "Stop a pool's automatic scaling and healing, or the proxy tier's "
            + "(POOL proxy-tier): actions under way finish.")
    static final class Pause extends PoolAction {
        Pause() {
            super(ApiEndpoint.SCALE_PAUSE);
        }
    }

    @Command(name = "resume", description = "Give a pool, or the proxy tier (POOL proxy-tier), back to its policy "
            + "(ends a pause or a set size).")
    static final class Resume extends PoolAction {
        Resume() {
            super(ApiEndpoint.SCALE_RESUME);
        }
    }

    /** A change of one member of a pool. */
    abstract static class MemberAction extends PoolAction {
        @Parameters(index = "1", paramLabel = "MEMBER")
        String member;

        MemberAction(ApiEndpoint endpoint) {
            super(endpoint);
        }

        @Override
        JsonNode run(AdminClient client) throws IOException {
            return client.call(calls().getFirst(), null, null, pool, member);
        }
    }

    @Command(name = "protect", description = "Protect a member the autoscaler started from scale-in, or a node the "
            + "proxy tier started (POOL proxy-tier, MEMBER its node id).")
    static final class Protect extends MemberAction {
        Protect() {
            super(ApiEndpoint.SCALE_PROTECT);
        }
    }

    @Command(name = "unprotect", description = "Lift a member's (or a proxy tier node's) scale-in protection.")
    static final class Unprotect extends MemberAction {
        Unprotect() {
            super(ApiEndpoint.SCALE_UNPROTECT);
        }
    }

    @Command(name = "set", description = "Bring a pool to N members, or the proxy tier (POOL proxy-tier) to N "
            + "proxy nodes, and hold it there until resume (N within the policy's min and max).")
    static final class Set extends PoolAction {
        @Parameters(index = "1", paramLabel = "N")
        int size;

        Set() {
            super(ApiEndpoint.SCALE_SET);
        }

        @Override
        Object body() {
            return Map.of("size", size);
        }
    }
}
