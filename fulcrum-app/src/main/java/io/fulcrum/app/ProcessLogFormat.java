package io.fulcrum.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the process log (diagnostics on stderr) is written: {@code text} lines or {@code json},
 * one object per line as the log directory's {@code fulcrum.log} has them. The start-up choice
 * is {@code FULCRUM_LOG_FORMAT} or {@code -Dfulcrum.log.format} (read by logback.xml, so even the
 * first line follows it); {@code fulcrum run --log-format} changes it here, when the command
 * line has been read.
 */
final class ProcessLogFormat {

    /** The appender of logback.xml that writes the process log to stderr. */
    static final String CONSOLE = "CONSOLE";

    private ProcessLogFormat() {
    }

    /**
     * Makes the stderr process log JSON ({@code json}) or leaves it as it is ({@code text} with the
     * text layout of logback.xml, or whatever a custom logback configuration chose).
     *
     * @return whether the format was changed (false when logback is not the logging backend, or
     *         the configuration has no console appender)
     */
    static boolean use(String format) {
        if (!"json".equals(format)) {
            return false;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        Appender<ILoggingEvent> console = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE);
        if (!(console instanceof OutputStreamAppender<ILoggingEvent> out) || out.getEncoder() instanceof JsonEncoder) {
            return false;
        }
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        // The same object as the log directory's fulcrum.log: time, level, thread, logger, message.
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.start();
        out.stop();
        out.setEncoder(json);
        out.start();
        return true;
    }
}
