package io.fulcrum.proxy.log;

import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.AccessLogField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes access records without ever blocking an event loop: records go into a
 * bounded queue (dropped and counted when it is full) and one background thread
 * formats and writes them, to the {@code fulcrum.access} logger (path
 * {@code stdout}), appended to a file, or to syslog ({@link SyslogSender}).
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger ACCESS = LoggerFactory.getLogger("fulcrum.access");
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    private final boolean enabled;
    private final AccessLogFormat format;
    private final boolean showsHeaders;
    private final boolean showsTls;
    private final Path file;
    private final SyslogSender syslog;
    private final ArrayBlockingQueue<AccessRecord> queue = new ArrayBlockingQueue<>(65536);
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @throws IllegalArgumentException when the template, a field or the syslog address is not valid
     *                                  (a validated configuration never has one)
     */
    public AccessLog(AccessLogConfig config) {
        this.enabled = config.enabled();
        this.format = AccessLogFormat.of(config);
        var fields = format.fields();
        this.showsHeaders = fields.contains(AccessLogField.USER_AGENT) || fields.contains(AccessLogField.REFERER);
        this.showsTls = fields.contains(AccessLogField.TLS_VERSION) || fields.contains(AccessLogField.SNI);
        this.syslog = enabled && config.syslog() != null ? new SyslogSender(config.syslog(), dropped) : null;
        this.file = syslog != null || "stdout".equals(config.path()) ? null : Path.of(config.path());
        if (enabled) {
            writer = Thread.ofPlatform().name("fulcrum-access-log").daemon(true).unstarted(this::run);
            writer.start();
        } else {
            writer = null;
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether records need the User-Agent and Referer headers (they are not read otherwise). */
    public boolean showsHeaders() {
        return showsHeaders;
    }

    /** Whether records need the client connection's TLS version and SNI (they are not read otherwise). */
    public boolean showsTls() {
        return showsTls;
    }

    /** Queues a record; never blocks. */
    public void log(AccessRecord r) {
        if (enabled && !queue.offer(r)) {
            dropped.increment();
        }
    }

    /** Records lost because the writer could not keep up (or syslog could not take them). */
    public long dropped() {
        return dropped.sum();
    }

    private void run() {
        List<AccessRecord> batch = new ArrayList<>(256);
        StringBuilder sb = new StringBuilder(256);
        try (Writer out = file == null ? null : open(file)) {
            while (!closed || !queue.isEmpty()) {
                AccessRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                for (AccessRecord r : batch) {
                    sb.setLength(0);
                    format.format(r, sb);
                    if (syslog != null) {
                        syslog.send(r.epochMillis(), sb);
                    } else if (out == null) {
                        ACCESS.info(sb.toString());
                    } else {
                        out.append(sb).append('\n');
                    }
                }
                batch.clear();
                if (out != null) {
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.error("access log {} cannot be written: {}", file, e.toString());
        }
    }

    private static Writer open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /** Stops the writer after it wrote what is queued (waits up to two seconds). */
    @Override
    public void close() {
        closed = true;
        if (writer != null) {
            try {
                writer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (syslog != null) {
            syslog.close();
        }
    }

    /** Formats an epoch-millisecond time as ISO-8601. */
    static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** ISO-8601 in UTC, always with milliseconds (a fixed width, and what RFC 5424 asks of a timestamp). */
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);
}
