package io.fulcrum.app;

import io.fulcrum.admin.api.ApiEndpoint;
import io.fulcrum.admin.cli.AdminClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code fulcrum conns}: the L4 router's connection table and per-backend counters, read
 * from a running node's admin API ({@code GET /api/v1/connections}) and printed as tables,
 * or as the raw JSON with {@code --json}.
 */
@Command(
        name = "conns",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Show the L4 connection table (flows: state ACTIVE or FIN, age, idle time, bytes) "
                + "and each backend's active, FIN and completed connections, from a running node's admin API."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:printed", "1:the admin API could not be reached or refused the request",
                "2:invalid command line"})
public final class ConnsCommand implements Callable<Integer> {

    /** Where the admin API listens when neither {@code --server} nor {@code FULCRUM_ADMIN} says. */
    public static final String DEFAULT_SERVER = io.fulcrum.core.config.admin.AdminConfig.DEFAULT_URL;

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL",
            description = "Admin API base URL (else FULCRUM_ADMIN, else " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token (else FULCRUM_TOKEN).")
    String token;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Most flows shown (oldest first).")
    int limit;

    @Option(names = "--json", description = "Print the API's JSON instead of the tables.")
    boolean json;

    /** Environment lookup (replaced in tests). */
    Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String base = first(server, env.apply("FULCRUM_ADMIN"), DEFAULT_SERVER);
        String bearer = first(token, env.apply("FULCRUM_TOKEN"), null);
        AdminClient client;
        try {
            client = new AdminClient(URI.create(base), bearer);
        } catch (IllegalArgumentException e) {
            err.println("fulcrum conns: invalid server URL " + base + ": " + e.getMessage());
            return 2;
        }
        // The admin client: a plain socket for http:// (no JDK HTTP client or TLS set-up to start).
        JsonNode table;
        try {
            table = client.call(ApiEndpoint.CONNECTIONS, "limit=" + limit, null);
        } catch (AdminClient.AdminClientException e) {
            err.println("fulcrum conns: " + base + " answered " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("fulcrum conns: cannot reach " + base + ": " + e.getMessage());
            return 1;
        }
        if (json) {
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(table));
            } catch (IOException e) {
                err.println("fulcrum conns: " + e.getMessage());
                return 1;
            }
            out.flush();
            return 0;
        }
        if (!table.isObject()) {
            err.println("fulcrum conns: the answer is not the connection table: " + table);
            return 1;
        }
        print(table, out);
        out.flush();
        return 0;
    }

    /** Prints the flows, then the per-backend counters. */
    static void print(JsonNode root, PrintWriter out) {
        JsonNode entries = root.has("entries") ? root.get("entries") : root.path("connections");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "VIP:PORT", "PROTO", "CLIENT", "BACKEND", "STATE", "AGE", "IDLE", "IN", "OUT"});
        for (JsonNode e : entries) {
            rows.add(new String[] {e.path("service").asText(), e.path("vip").asText() + ":" + e.path("port").asInt(),
                    e.path("protocol").asText(), e.path("client").asText(), e.path("backend").asText(),
                    e.path("state").asText(), millis(e.path("ageMillis").asLong()), millis(e.path("idleMillis").asLong()),
                    Long.toString(e.path("bytesIn").asLong()), Long.toString(e.path("bytesOut").asLong())});
        }
        table(rows, out);
        out.println();
        List<String[]> backends = new ArrayList<>();
        backends.add(new String[] {"SERVICE", "POOL", "BACKEND", "ACTIVE", "FIN", "COMPLETED"});
        for (JsonNode b : root.path("backends")) {
            backends.add(new String[] {b.path("service").asText(), b.path("pool").asText(), b.path("backend").asText(),
                    Long.toString(b.path("active").asLong()), Long.toString(b.path("fin").asLong()),
                    Long.toString(b.path("completed").asLong())});
        }
        table(backends, out);
        if (root.has("active")) {
            out.println();
            out.println("total: " + root.path("active").asLong() + " active, " + root.path("fin").asLong() + " fin, "
                    + root.path("completed").asLong() + " completed");
        }
    }

    private static String millis(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return (ms / 60_000) + "m" + (ms / 1000 % 60) + "s";
    }

    private static void table(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(widths[i] - r[i].length() + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static String first(String a, String b, String c) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return c;
    }

}
