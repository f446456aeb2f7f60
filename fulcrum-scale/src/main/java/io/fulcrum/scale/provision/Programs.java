package io.fulcrum.scale.provision;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Whether a program named in a provisioner's settings can be run: a path must be an
 * executable file, a bare name must be found on {@code PATH}. Checked when the configuration
 * is loaded, so a typo is a configuration error rather than a failed action later.
 */
final class Programs {

    private Programs() {
    }

    /** Why {@code program} cannot be run, or null when it can. */
    static String problem(String program, String workingDirectory) {
        if (program.isEmpty()) {
            return "an empty program name";
        }
        try {
            if (program.contains("/")) {
                Path p = Path.of(program);
                if (!p.isAbsolute() && workingDirectory != null) {
                    p = Path.of(workingDirectory).resolve(p);
                }
                if (!Files.isRegularFile(p)) {
                    return "no such program: " + program;
                }
                return Files.isExecutable(p) ? null : program + " is not executable (chmod +x)";
            }
            String path = System.getenv("PATH");
            for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                    return null;
                }
            }
            return "no program " + program + " on the PATH";
        } catch (InvalidPathException e) {
            return "not a path: " + e.getMessage();
        }
    }
}
