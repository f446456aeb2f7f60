package io.fulcrum.app;

import java.io.File;
import java.nio.file.Path;

/**
 * How the user started this {@code fulcrum} process, so that commands it prints for them to
 * copy (the demo's {@code ctl} line) start the same way and work as printed.
 *
 * <p>{@code bin/fulcrum} passes the name it was called by in {@code -Dfulcrum.command}
 * ({@code bin/fulcrum}, or {@code fulcrum} through a symlink on PATH); a plain
 * {@code java -jar} start falls back to that form.
 */
final class Invocation {

    /** The system property the launcher sets. */
    static final String PROPERTY = "fulcrum.command";

    private Invocation() {
    }

    /** The command prefix to print, for example {@code bin/fulcrum}. */
    static String command() {
        String fromLauncher = System.getProperty(PROPERTY);
        if (fromLauncher != null && !fromLauncher.isBlank()) {
            return fromLauncher;
        }
        // This JVM's own java: the one on PATH may be too old (a fresh Debian's is 17).
        String javaCommand = shellWord(Path.of(System.getProperty("java.home"), "bin", "java").toString())
                + " --enable-native-access=ALL-UNNAMED";
        String classPath = System.getProperty("java.class.path");
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            return javaCommand + " -jar " + shellWord(classPath);
        }
        return javaCommand + " -cp " + shellWord(classPath) + " " + FulcrumCommand.class.getName();
    }

    /** The text as one word for a POSIX shell: single-quoted when it holds anything but plain characters. */
    static String shellWord(String text) {
        if (text.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
