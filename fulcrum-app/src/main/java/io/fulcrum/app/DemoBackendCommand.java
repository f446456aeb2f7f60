package io.fulcrum.app;

import io.fulcrum.app.demo.SampleBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code fulcrum demo-backend}: one sample backend in a process of its own, until SIGTERM. The
 * autoscaled demo ({@code fulcrum demo --autoscale}) has its {@code process} provisioner start these.
 * Hidden: it is the demo's part, not a tool.
 */
@Command(name = "demo-backend", hidden = true, mixinStandardHelpOptions = true,
        description = "Run one sample backend of the demo on 127.0.0.1:PORT until stopped.")
public final class DemoBackendCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", required = true, description = "Port on 127.0.0.1 (1-65535).")
    private int port;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "member",
            description = "Shown on its page and in X-Backend (default: ${DEFAULT-VALUE}).")
    private String name;

    @Option(names = "--colour", paramLabel = "CSS", defaultValue = "#7d3c98",
            description = "Its page's colour (default: ${DEFAULT-VALUE}).")
    private String colour;

    @Override
    public Integer call() {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 1 and 65535, not " + port);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StopSignal stop = StopSignal.install(Duration.ofSeconds(5));
             SampleBackend backend = SampleBackend.start(name, colour, port)) {
            out.println("demo backend " + name + " on http://" + backend.hostPort() + "/");
            out.flush();
            stop.await();
            return ExitCodes.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("fulcrum demo-backend: cannot listen on 127.0.0.1:" + port + ": "
                    + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.FAILURE;
        }
    }
}
