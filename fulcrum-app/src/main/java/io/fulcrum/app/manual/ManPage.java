package io.fulcrum.app.manual;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One manual page (section 1) for a command of the picocli model, in troff's {@code man}
 * macros: the same names, options, descriptions and exit codes as {@code --help}, read from
 * the same {@link CommandSpec}, so the pages cannot drift from the command line.
 *
 * <p>{@code fulcrum(1)} lists the commands; each command has its own page
 * ({@code fulcrum-run(1)}, {@code fulcrum-ctl(1)}...), where its own subcommands are sections.
 */
public final class ManPage {

    private final CommandSpec command;
    private final String version;
    private final List<String> seeAlso;

    /**
     * @param command the command the page is about
     * @param version the version named in the page footer
     * @param seeAlso the other pages' names (without the section), for SEE ALSO
     */
    public ManPage(CommandSpec command, String version, List<String> seeAlso) {
        this.command = command;
        this.version = version;
        this.seeAlso = List.copyOf(seeAlso);
    }

    /** The page's name: the command's words joined by {@code -}, {@code fulcrum-ctl} for {@code fulcrum ctl}. */
    public static String name(CommandSpec command) {
        return command.qualifiedName("-");
    }

    /** The page as troff source. */
    public String render() {
        StringBuilder page = new StringBuilder();
        String name = name(command);
        page.append(".\\\" Generated from the fulcrum command model (io.fulcrum.app.manual.ManualFiles); not edited by hand.\n");
        page.append(".TH \"").append(Troff.text(name.toUpperCase(java.util.Locale.ROOT))).append("\" \"1\" \"\" \"")
                .append(Troff.text("fulcrum " + version)).append("\" \"Fulcrum Manual\"\n");
        page.append(".nh\n.ad l\n"); // no hyphenation, ragged right: names and options stay whole
        page.append(".SH NAME\n").append(Troff.text(name)).append(" \\- ").append(Troff.text(summary(command))).append('\n');
        page.append(".SH SYNOPSIS\n");
        synopsis(page, command, true);
        page.append(".SH DESCRIPTION\n");
        paragraphs(page, command.usageMessage().description());
        options(page, command, true);
        positionals(page, command, true);
        boolean top = command.parent() == null;
        List<CommandSpec> subcommands = subcommands(command);
        if (!subcommands.isEmpty()) {
            page.append(".SH COMMANDS\n");
            for (CommandSpec sub : subcommands) {
                if (top) {
                    // Each command of fulcrum(1) has its own page.
                    page.append(".TP\n").append(Troff.bold(sub.name())).append('\n').append(Troff.text(summary(sub)));
                    if (seeAlso.contains(name(sub))) {
                        page.append(". See \\fB").append(Troff.text(name(sub))).append("\\fR(1).");
                    }
                    page.append('\n');
                } else {
                    section(page, sub);
                }
            }
        }
        exitCodes(page, command);
        if (!seeAlso.isEmpty()) {
            page.append(".SH SEE ALSO\n");
            List<String> refs = seeAlso.stream().map(p -> "\\fB" + Troff.text(p) + "\\fR(1)").toList();
            page.append(String.join(",\n", refs)).append('\n');
        }
        return page.toString();
    }

    /** A subcommand of the page's command, with its own subcommands, as a section of the page. */
    private void section(StringBuilder page, CommandSpec sub) {
        page.append(".SS \"").append(Troff.text(sub.qualifiedName())).append("\"\n");
        synopsis(page, sub, false);
        page.append(".PP\n");
        paragraphs(page, sub.usageMessage().description());
        options(page, sub, false);
        positionals(page, sub, false);
        for (CommandSpec nested : subcommands(sub)) {
            section(page, nested);
        }
    }

    /**
     * The header's (or description's) first clause, up to the first {@code ". "} or {@code ": "}:
     * the one-line summary of NAME and of the command lists.
     */
    static String summary(CommandSpec command) {
        // picocli's header is the one-line summary where a command has one (help does).
        String first = firstLine(command.usageMessage().header());
        if (first.isEmpty()) {
            first = firstLine(command.usageMessage().description());
        }
        if (first.isEmpty()) {
            return command.name();
        }
        // The first ". " or ": " outside parentheses ends the clause.
        int end = first.length();
        int depth = 0;
        for (int i = 0; i + 1 < first.length() && end == first.length(); i++) {
            char c = first.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if ((c == '.' || c == ':') && first.charAt(i + 1) == ' ' && depth == 0 && i > 0) {
                end = i;
            }
        }
        String clause = first.substring(0, end);
        return clause.endsWith(".") ? clause.substring(0, clause.length() - 1) : clause;
    }

    private static String firstLine(String[] lines) {
        for (String l : lines) {
            for (String part : Troff.picocliLines(l)) {
                if (!part.isBlank()) {
                    return part.strip();
                }
            }
        }
        return "";
    }

    private static List<CommandSpec> subcommands(CommandSpec command) {
        List<CommandSpec> list = new ArrayList<>();
        // Aliases are the same command under another key: listed once, under its name.
        command.subcommands().forEach((key, line) -> {
            CommandSpec sub = line.getCommandSpec();
            if (key.equals(sub.name()) && !sub.usageMessage().hidden()) {
                list.add(sub);
            }
        });
        return list;
    }

    /** The SYNOPSIS line; in a section ({@code all = false}) without the options inherited from the parent. */
    private static void synopsis(StringBuilder page, CommandSpec command, boolean all) {
        StringBuilder line = new StringBuilder(Troff.bold(command.qualifiedName()));
        for (OptionSpec o : command.options()) {
            if (o.hidden() || !all && o.inherited()) {
                continue;
            }
            String use = Troff.bold(o.names()[0]) + (takesValue(o) ? " " + Troff.italic(o.paramLabel()) : "")
                    + (o.isMultiValue() ? "..." : "");
            line.append(' ').append(o.required() ? use : "[" + use + "]");
        }
        for (PositionalParamSpec p : command.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String use = Troff.italic(p.paramLabel()) + (p.isMultiValue() ? "..." : "");
            line.append(' ').append(p.arity().min() == 0 ? "[" + use + "]" : use);
        }
        if (!subcommands(command).isEmpty()) {
            line.append(' ').append(Troff.italic("COMMAND"));
        }
        page.append(".PP\n").append(line).append('\n');
    }

    /**
     * The OPTIONS of a command. In a section ({@code all = false}) the options every command
     * has ({@code --help}, {@code --version}) and those inherited from the parent, described
     * once above, are left out.
     */
    private static void options(StringBuilder page, CommandSpec command, boolean all) {
        List<OptionSpec> shown = command.options().stream()
                .filter(o -> !o.hidden())
                .filter(o -> all || !(o.usageHelp() || o.versionHelp() || o.inherited()))
                .toList();
        if (shown.isEmpty()) {
            return;
        }
        page.append(all ? ".SH OPTIONS\n" : ".PP\nOptions:\n");
        for (OptionSpec o : shown) {
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add(Troff.bold(n));
            }
            page.append(".TP\n").append(String.join(", ", names));
            if (takesValue(o)) {
                page.append('=').append(Troff.italic(o.paramLabel()));
            }
            page.append('\n');
            lines(page, o.renderedDescription());
        }
    }

    /** The positional ARGUMENTS of a command: a section of the page ({@code top}), or a paragraph of a section. */
    private static void positionals(StringBuilder page, CommandSpec command, boolean top) {
        List<PositionalParamSpec> shown = command.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (shown.isEmpty()) {
            return;
        }
        page.append(top ? ".SH ARGUMENTS\n" : ".PP\nArguments:\n");
        for (PositionalParamSpec p : shown) {
            page.append(".TP\n").append(Troff.italic(p.paramLabel())).append('\n');
            lines(page, p.renderedDescription());
        }
    }

    private static void exitCodes(StringBuilder page, CommandSpec command) {
        Map<String, String> codes = command.usageMessage().exitCodeList();
        if (codes.isEmpty()) {
            return;
        }
        page.append(".SH EXIT STATUS\n");
        codes.forEach((code, meaning) -> page.append(".TP\n").append(Troff.bold(code.strip())).append('\n')
                .append(Troff.text(String.join(" ", Troff.picocliLines(meaning)).strip())).append('\n'));
    }

    private static boolean takesValue(OptionSpec o) {
        return o.arity().max() > 0;
    }

    /** Description lines of a command: a paragraph each, as on the help screen. */
    private static void paragraphs(StringBuilder page, String[] description) {
        boolean first = true;
        for (String d : description) {
            for (String line : Troff.picocliLines(d)) {
                if (line.isBlank()) {
                    continue;
                }
                if (!first) {
                    page.append(".PP\n");
                }
                page.append(Troff.text(line.strip())).append('\n');
                first = false;
            }
        }
    }

    /** Description lines of an option or argument: one block, a line break between lines. */
    private static void lines(StringBuilder page, String[] description) {
        List<String> out = new ArrayList<>();
        for (String d : description) {
            for (String line : Troff.picocliLines(d)) {
                if (!line.isBlank()) {
                    out.add(Troff.text(line.strip()));
                }
            }
        }
        page.append(String.join("\n.br\n", out)).append('\n');
    }
}
