package io.fulcrum.health.agent;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;

/**
 * One {@code /metrics} report as the manager keeps it.
 *
 * @param cpuPercent    load per core in percent
 * @param memoryPercent memory in use in percent
 * @param connections   established connections over all service ports
 * @param scripts       script name to its numeric value (scripts without a number are left out)
 */
public record AgentReport(double cpuPercent, double memoryPercent, long connections, Map<String, Double> scripts) {

    public AgentReport {
        scripts = Map.copyOf(scripts);
    }

    /** Reads the agent's JSON document. */
    public static AgentReport parse(JsonNode doc) {
        long conns = 0;
        var it = doc.path("connections").elements();
        while (it.hasNext()) {
            conns += it.next().asLong();
        }
        Map<String, Double> scripts = new HashMap<>();
        var fields = doc.path("scripts").properties();
        for (Map.Entry<String, JsonNode> e : fields) {
            JsonNode v = e.getValue().path("value");
            if (v.isNumber()) {
                scripts.put(e.getKey(), v.asDouble());
            }
        }
        return new AgentReport(doc.path("cpu").path("percent").asDouble(),
                doc.path("memory").path("percent").asDouble(), conns, scripts);
    }

    /** The value of a host metric name ({@code cpu}, {@code memory}, {@code connections}, {@code script:x}); null if absent. */
    public Double metric(String name) {
        return switch (name) {
            case "cpu" -> cpuPercent;
            case "memory" -> memoryPercent;
            case "connections" -> (double) connections;
            default -> name.startsWith("script:") ? scripts.get(name.substring(7)) : null;
        };
    }
}
