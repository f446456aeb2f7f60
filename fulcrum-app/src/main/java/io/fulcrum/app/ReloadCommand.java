package io.fulcrum.app;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code fulcrum reload --pid-file FILE} (or {@code --pid N}): asks a running
 * {@code fulcrum run} to reload its configuration file, by sending it SIGHUP.
 *
 * <p>The reload itself happens in the running process, which logs what changed or why
 * the file was refused; this command only delivers the signal.
 */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Ask a running fulcrum to reload its configuration file (sends SIGHUP).",
                "The running process validates the file first: an invalid file is refused and logged, "
                        + "and the running configuration keeps serving."
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:the signal was sent",
                "1:no such process, unreadable pid file, or the signal could not be sent",
                "2:invalid command line"})
public final class ReloadCommand implements Callable<Integer> {

    /** Which process to signal: exactly one of the two options. */
    static final class Target {
        @Option(names = "--pid-file", paramLabel = "FILE", required = true,
                description = "The file that `fulcrum run --pid-file` wrote.")
        Path pidFile;

        @Option(names = "--pid", paramLabel = "N", required = true, description = "The process id.")
        Long pid;
    }

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Target target;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long pid;
        try {
            pid = target.pid != null ? target.pid : PidFile.read(target.pidFile);
        } catch (IOException e) {
            return fail(err, e.getMessage());
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return fail(err, "no running process with pid " + pid
                    + (target.pidFile != null ? " (from " + target.pidFile + "; a stale pid file?)" : ""));
        }
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
            kill.getOutputStream().close();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return fail(err, "kill -HUP " + pid + " did not finish");
            }
            if (kill.exitValue() != 0) {
                return fail(err, "kill -HUP " + pid + " failed" + (output.isEmpty() ? "" : ": " + output));
            }
        } catch (IOException e) {
            return fail(err, "cannot run kill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(err, "interrupted");
        }
        out.println("sent SIGHUP to " + pid + "; the running fulcrum logs what it reloaded");
        out.flush();
        return ExitCodes.OK;
    }

    private static int fail(PrintWriter err, String message) {
        err.println("fulcrum reload: " + message);
        err.flush();
        return ExitCodes.FAILURE;
    }
}
