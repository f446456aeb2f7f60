package io.fulcrum.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.core.event.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's autoscaler settings per pool (paused, the size set, protected members) in a JSON file
 * beside the admin state file, so that a restarted node keeps them. Written whole after each change
 * (a temporary file moved over the old one, so a crash leaves one or the other, never half); a file
 * that cannot be read is set aside with an event, never fatal.
 */
final class OperatorSettingsFile {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorSettingsFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    OperatorSettingsFile(Path file) {
        this.file = file;
    }

    /** The settings kept, per pool; empty when there is no file or it cannot be read. */
    Map<String, OperatorSettings> read(EventLog events) {
        Map<String, OperatorSettings> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            JsonNode pools = JSON.readTree(file.toFile()).path("pools");
            pools.properties().forEach(e -> out.put(e.getKey(), OperatorSettings.readFrom(e.getValue())));
            LOG.info("autoscaler: the operator's settings are read from {}", file);
        } catch (IOException | RuntimeException e) {
            events.publish("scale.action.failed", "", "the operator's autoscaler settings in " + file
                    + " cannot be read (" + e.getMessage() + "); starting without them", Map.of());
            out.clear();
        }
        return out;
    }

    /** Writes every pool's settings; a failure is an event (the settings stay in force until a restart). */
    void write(Map<String, OperatorSettings> all, EventLog events) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode pools = root.putObject("pools");
        all.forEach((pool, s) -> s.writeTo(pools.putObject(pool)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            events.publish("scale.action.failed", "", "the operator's autoscaler settings could not be written to "
                    + file + " (" + e.getMessage() + "): they hold until the node restarts", Map.of());
        }
    }
}
