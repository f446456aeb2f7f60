package io.fulcrum.app.manual;

import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Shell completion scripts for the {@code fulcrum} command, generated from its picocli model
 * (picocli's {@link AutoComplete}), so every command and option the parser knows completes.
 */
public final class ShellCompletion {

    private final CommandLine line;

    /** @param line the command line whose commands and options complete */
    public ShellCompletion(CommandLine line) {
        this.line = line;
    }

    /** The bash script: defines {@code _complete_fulcrum} and registers it with {@code complete -F}. */
    public String bash() {
        return AutoComplete.bash(line.getCommandName(), line);
    }

    /**
     * The zsh function file {@code _fulcrum}, for a directory on {@code fpath} (Debian:
     * {@code /usr/share/zsh/vendor-completions}). picocli generates for bash; its script runs in
     * zsh through {@code bashcompinit}, which the script loads itself. The file's body is the
     * completion function: the first call defines the bash functions (whose {@code complete}
     * then registers them for later calls) and answers the completion in progress.
     */
    public String zsh() {
        String bash = bash();
        if (bash.startsWith("#!")) {
            bash = bash.substring(bash.indexOf('\n') + 1);
        }
        String name = line.getCommandName();
        return "#compdef " + name + "\n"
                + "# zsh completion for " + name + ": picocli's bash completion of the same command model, through zsh's bashcompinit.\n"
                + bash
                + "\n_bash_complete -o default -F _complete_" + name + "\n";
    }
}
