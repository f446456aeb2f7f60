package io.fulcrum.admin.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a picocli command line from command classes whose subcommands are listed in a table
 * ({@link #group}) instead of in their {@code @Command(subcommands = ...)}: either the whole tree
 * (help, shell completion, man pages, tests) or only the branch one argument list runs.
 *
 * <p>Why: picocli builds the model of every command of a tree when the tree is made, reading
 * every option's annotations through reflection. For {@code fulcrum ctl backends} that was the
 * model of {@code run}, {@code demo}, {@code import} and some thirty {@code ctl} commands, about
 * half of a client call's start-up. A call that names its commands builds those alone; anything
 * this class cannot read with certainty (an option it does not know, {@code --help}, a word that
 * names no subcommand, the {@code help} command) gets the whole tree, so picocli's own messages
 * and suggestions are unchanged.
 */
public final class CommandTree {

    private final Map<Class<?>, List<Class<?>>> groups = new LinkedHashMap<>();

    /**
     * Declares {@code parent}'s subcommands, in the order usage help lists them; each class has
     * a {@code @Command(name = ...)} and a no-argument constructor. Adding to a parent declared
     * before appends (a module that the parent's module does not know adds its own command).
     */
    public CommandTree group(Class<?> parent, List<Class<?>> subcommands) {
        groups.computeIfAbsent(parent, k -> new ArrayList<>()).addAll(subcommands);
        return this;
    }

    /** The whole tree under {@code root}. */
    public CommandLine whole(Class<?> root) {
        CommandLine line = newLine(root);
        addAll(line, root);
        return line;
    }

    /** The tree under {@code root} with only the subcommands {@code args} names, level by level. */
    public CommandLine forArguments(Class<?> root, String[] args) {
        CommandLine line = newLine(root);
        addFor(line, root, args, 0);
        return line;
    }

    private void addAll(CommandLine line, Class<?> type) {
        for (Class<?> sub : groups.getOrDefault(type, List.of())) {
            CommandLine child = newLine(sub);
            line.addSubcommand(child);
            addAll(child, sub);
        }
    }

    private void addFor(CommandLine line, Class<?> type, String[] args, int from) {
        List<Class<?>> subs = groups.get(type);
        if (subs == null) {
            return;
        }
        int word = firstWord(line.getCommandSpec(), subs, args, from);
        Class<?> chosen = word < 0 ? null : named(subs, args[word]);
        if (chosen == null || chosen == CommandLine.HelpCommand.class) {
            addAll(line, type);
            return;
        }
        CommandLine child = newLine(chosen);
        line.addSubcommand(child);
        addFor(child, chosen, args, word + 1);
    }

    /**
     * The index of the first argument from {@code from} on that is not an option of {@code spec}
     * or an option's value, or -1 where that is not certain. A value that names a subcommand is
     * one of those: picocli refuses it as a value, and with the whole tree it gives its message.
     */
    private static int firstWord(CommandSpec spec, List<Class<?>> subs, String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return -1;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                return i;
            }
            int eq = arg.indexOf('=');
            OptionSpec option = spec.findOption(eq < 0 ? arg : arg.substring(0, eq));
            if (option == null || option.usageHelp() || option.versionHelp()) {
                return -1;
            }
            CommandLine.Range arity = option.arity();
            if (eq < 0) {
                if (arity.min() != arity.max()) {
                    return -1; // an optional value: whether the next argument is one depends on it
                }
                for (int v = 1; v <= arity.max() && i + v < args.length; v++) {
                    if (named(subs, args[i + v]) != null) {
                        return -1;
                    }
                }
                i += arity.max();
            }
        }
        return -1;
    }

    private static Class<?> named(List<Class<?>> subs, String word) {
        for (Class<?> sub : subs) {
            Command c = sub.getAnnotation(Command.class);
            if (c == null) {
                continue;
            }
            if (c.name().equals(word) || List.of(c.aliases()).contains(word)) {
                return sub;
            }
        }
        return null;
    }

    private static CommandLine newLine(Class<?> type) {
        try {
            return new CommandLine(CommandLine.defaultFactory().create(type));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the command " + type.getName(), e);
        }
    }
}
