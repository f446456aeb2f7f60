package io.fulcrum.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging of a client command ({@code ctl}, {@code validate}, {@code version}...), set up in
 * code: diagnostics to stderr in {@code logback.xml}'s console format, at the root level
 * {@code -Dfulcrum.log.level} or {@code FULCRUM_LOG_LEVEL} (default INFO), Netty at WARN. No
 * files: {@code FULCRUM_LOG_DIR} is the server's. Reading {@code logback.xml} takes an XML
 * parser and about 0.15 s of a command that lasts half a second; the data plane ({@code run},
 * {@code demo}, {@code agent}) and an explicit {@code -Dlogback.configurationFile} still
 * read their file. Found by logback as a service, before its own configurators.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ClientLogging extends ContextAwareBase implements Configurator {

    /** The system property {@link FulcrumCommand#main} sets before the first logger when the command is a client. */
    static final String PROPERTY = "fulcrum.clientCommand";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!Boolean.getBoolean(PROPERTY) || System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level(), Level.INFO));
        root.addAppender(console);
        context.getLogger("io.netty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String level() {
        String level = System.getProperty("fulcrum.log.level");
        return level != null ? level : System.getenv("FULCRUM_LOG_LEVEL");
    }

    /**
     * Whether {@code fulcrum ARGS...} runs a client command: its first word that is not an
     * option is none of the data plane's ({@code run}, {@code demo}, {@code agent}; the same
     * list as {@code bin/jvm-options.sh}).
     */
    static boolean isClient(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return !(arg.equals("run") || arg.equals("demo") || arg.equals("agent"));
            }
        }
        return true;
    }
}
