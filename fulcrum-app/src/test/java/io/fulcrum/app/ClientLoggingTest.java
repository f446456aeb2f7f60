package io.fulcrum.app;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client command's logging is set up in code, without reading {@code logback.xml} (an XML
 * parser and logback's Joran classes, about 0.15 s of a command's start-up); the data plane's
 * commands still read the file. Checked in JVMs of their own that list the classes they load.
 */
class ClientLoggingTest {

    /** The class that reads logback.xml. */
    private static final String XML_CONFIGURATOR = "ch.qos.logback.classic.joran.JoranConfigurator ";

    @Test
    void clientCommandsAreTheOnesThatServeNoTraffic() {
        assertThat(ClientLogging.isClient(new String[] {"ctl", "backends"})).isTrue();
        assertThat(ClientLogging.isClient(new String[] {"validate", "-c", "run"})).isTrue();
        assertThat(ClientLogging.isClient(new String[] {"--help"})).isTrue();
        assertThat(ClientLogging.isClient(new String[] {"run", "-c", "fulcrum.yaml"})).isFalse();
        assertThat(ClientLogging.isClient(new String[] {"demo"})).isFalse();
        assertThat(ClientLogging.isClient(new String[] {"agent", "--token-file", "t"})).isFalse();
    }

    @Test
    void aClientCommandLogsToStderrWithoutReadingTheXmlFile() throws Exception {
        String log = fulcrum("-Dfulcrum.log.level=DEBUG", "version");
        assertThat(log).contains("fulcrum ").doesNotContain(XML_CONFIGURATOR, "javax.xml.parsers.SAXParser");
        // The logging it set up: stderr, the console format, the level asked for.
        String logged = fulcrum("-Dfulcrum.log.level=DEBUG", "-cp", System.getProperty("java.class.path"),
                LogOneLine.class.getName(), "ctl");
        assertThat(logged).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d [\\d:.]+ DEBUG \\[main\\] \\S+ - logged at debug$")
                .doesNotContain(XML_CONFIGURATOR);
    }

    @Test
    void theDataPlaneStillReadsLogbackXml() throws Exception {
        String logged = fulcrum("-cp", System.getProperty("java.class.path"), LogOneLine.class.getName(), "run");
        assertThat(logged).contains(XML_CONFIGURATOR, "logged at info");
    }

    /** Runs java -verbose:class with these arguments (a main class and its arguments, or FulcrumCommand's). */
    private static String fulcrum(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-verbose:class"));
        List<String> rest = List.of(args);
        if (!rest.contains("-cp")) {
            command.addAll(rest.subList(0, rest.size() - 1));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), FulcrumCommand.class.getName(),
                    rest.getLast()));
        } else {
            command.addAll(rest);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    /** Decides the logging as FulcrumCommand.main does for a command named by its argument, then logs. */
    public static final class LogOneLine {
        public static void main(String[] args) {
            if (ClientLogging.isClient(args)) {
                System.setProperty(ClientLogging.PROPERTY, "true");
            }
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LogOneLine.class);
            log.debug("logged at debug");
            log.info("logged at info");
        }
    }
}
