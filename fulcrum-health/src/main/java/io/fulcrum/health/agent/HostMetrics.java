package io.fulcrum.health.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU load and memory in use, read from {@code /proc/loadavg} and {@code /proc/meminfo}. */
public final class HostMetrics {

    /**
     * One reading.
     *
     * @param load1          one-minute load average
     * @param cores          available processors
     * @param memTotalBytes  total memory
     * @param memAvailBytes  memory available to new work
     */
    public record Reading(double load1, int cores, long memTotalBytes, long memAvailBytes) {

        /** Load per core, in percent (may exceed 100). */
        public double cpuPercent() {
            return cores <= 0 ? 0 : 100.0 * load1 / cores;
        }

        /** Memory in use, in percent. */
        public double memoryPercent() {
            return memTotalBytes <= 0 ? 0 : 100.0 * (memTotalBytes - memAvailBytes) / memTotalBytes;
        }
    }

    private HostMetrics() {
    }

    public static Reading read() throws IOException {
        double load1 = 0;
        Path loadavg = Path.of("/proc/loadavg");
        if (Files.isReadable(loadavg)) {
            load1 = Double.parseDouble(Files.readString(loadavg).trim().split("\\s+")[0]);
        }
        long total = 0;
        long avail = 0;
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) {
            List<String> lines = Files.readAllLines(meminfo);
            for (String l : lines) {
                if (l.startsWith("MemTotal:")) {
                    total = kb(l);
                } else if (l.startsWith("MemAvailable:")) {
                    avail = kb(l);
                }
            }
        }
        return new Reading(load1, Runtime.getRuntime().availableProcessors(), total, avail);
    }

    private static long kb(String line) {
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[1]) * 1024;
    }
}
