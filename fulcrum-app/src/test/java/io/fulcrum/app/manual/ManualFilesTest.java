package io.fulcrum.app.manual;

import io.fulcrum.app.FulcrumCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The manual pages and completion scripts generated from the command model, checked with the
 * programs that use them: the scripts in {@code bash} (and {@code zsh}) completing real command
 * lines, the pages rendered by {@code man -l} and checked by {@code groff}'s warnings.
 */
class ManualFilesTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws IOException {
        ManualFiles.write(FulcrumCommand.commandLine(), "test", dir);
    }

    /** Sources the script and runs its completion function on {@code words}, the cursor on the last word. */
    private static String bashCompletes(String... words) throws Exception {
        String script = """
                source "$1"
                complete -p fulcrum
                COMP_WORDS=(%s)
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                COMP_LINE="${COMP_WORDS[*]}"
                COMP_POINT=${#COMP_LINE}
                _complete_fulcrum
                printf 'reply:%%s\\n' "${COMPREPLY[@]}"
                """.formatted(String.join(" ", words));
        return run(List.of("bash", "--norc", "--noprofile", "-c", script, "bash",
                dir.resolve("completion/fulcrum").toString()));
    }

    @Test
    void bashCompletesACommandFromItsFirstLetters() throws Exception {
        String out = bashCompletes("fulcrum", "ct");
        assertThat(out.lines().findFirst().orElseThrow()).contains("-F _complete_fulcrum").endsWith(" fulcrum");
        assertThat(out.lines().filter(l -> l.startsWith("reply:")).toList()).containsExactly("reply:ctl");
    }

    @Test
    void bashCompletesSubcommandsAndOptionsOfNestedCommands() throws Exception {
        assertThat(bashCompletes("fulcrum", "ctl", "back")).contains("reply:backends");
        assertThat(bashCompletes("fulcrum", "run", "--state")).contains("reply:--state-dir");
    }

    /** zsh runs the same functions through bashcompinit, which the _fulcrum file loads itself. */
    @Test
    void zshLoadsTheCompletionAndCompletesThroughBashcompinit() throws Exception {
        assumeTrue(onPath("zsh"), "zsh is not installed (CI_PACKAGES in .ci/run has it)");
        Path file = dir.resolve("completion/_fulcrum");
        assertThat(Files.readAllLines(file).getFirst()).isEqualTo("#compdef fulcrum");
        // The file's body without its last line (the call that answers a completion in progress,
        // which needs the completion system running): what zsh runs when it loads _fulcrum.
        List<String> lines = Files.readAllLines(file);
        Path body = Files.write(dir.resolve("zsh-body"), lines.subList(0, lines.size() - 1));
        String script = """
                autoload -U compinit && compinit -u
                source "$1"
                COMP_WORDS=(fulcrum ct)
                COMP_CWORD=1
                _complete_fulcrum
                print -l "reply:${^COMPREPLY[@]}"
                """;
        String out = run(List.of("zsh", "-f", "-c", script, "zsh", body.toString()));
        assertThat(out).contains("reply:ctl");
        assertThat(lines.getLast()).isEqualTo("_bash_complete -o default -F _complete_fulcrum");
    }

    @Test
    void theManPagesRenderWithManAndListEveryCommand() throws Exception {
        assumeTrue(onPath("man"), "man is not installed (man-db, CI_PACKAGES in .ci/run)");
        String top = man("fulcrum.1");
        assertThat(top).contains("FULCRUM(1)", "NAME", "SYNOPSIS", "COMMANDS", "EXIT STATUS");
        for (String command : List.of("run", "reload", "validate", "demo", "handoff", "agent", "ctl", "version", "conns")) {
            assertThat(top).contains("fulcrum-" + command + "(1)");
            assertThat(dir.resolve("man1/fulcrum-" + command + ".1")).exists();
        }
        String run = man("fulcrum-run.1");
        assertThat(run).contains("--config=FILE", "--state-dir=DIR", "--no-watch");
        String ctl = man("fulcrum-ctl.1");
        assertThat(ctl).contains("fulcrum ctl backends", "fulcrum ctl config");
    }

    /** The page as {@code man -l} renders it, without the overstrikes of bold and underline ({@code col -b}). */
    private static String man(String page) throws Exception {
        return run(List.of("bash", "-c", "set -o pipefail; man -l \"$1\" | col -b", "bash", dir.resolve("man1").resolve(page).toString()));
    }

    @Test
    void groffFindsNothingToWarnAboutInAnyPage() throws Exception {
        assumeTrue(onPath("groff"), "groff is not installed (groff-base comes with man-db)");
        try (var pages = Files.list(dir.resolve("man1"))) {
            for (Path page : pages.toList()) {
                ProcessBuilder groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", page.toString());
                Result r = exec(groff);
                assertThat(r.exit()).as(page + ": " + r.err()).isZero();
                assertThat(r.err()).as(page.toString()).isEmpty();
            }
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static String run(List<String> command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().put("MANWIDTH", "200");
        b.environment().put("PAGER", "cat");
        Result r = exec(b);
        assertThat(r.exit()).as(command + "\n" + r.out() + r.err()).isZero();
        return r.out();
    }

    private static Result exec(ProcessBuilder b) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = b.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", b.command())).isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
