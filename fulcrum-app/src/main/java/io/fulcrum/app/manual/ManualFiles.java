package io.fulcrum.app.manual;

import io.fulcrum.app.FulcrumCommand;
import io.fulcrum.app.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the manual pages and shell completion scripts of the {@code fulcrum} command into a
 * directory, from the command model itself; the Debian package's build runs it
 * ({@code packaging/deb/build.sh}):
 *
 * <pre>
 * java -cp fulcrum.jar io.fulcrum.app.manual.ManualFiles DIR
 *   DIR/man1/fulcrum.1, DIR/man1/fulcrum-run.1, ...   one page per command
 *   DIR/completion/fulcrum                             bash
 *   DIR/completion/_fulcrum                            zsh
 * </pre>
 */
public final class ManualFiles {

    private ManualFiles() {
    }

    /** Entry point: {@code ManualFiles DIR}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp fulcrum.jar " + ManualFiles.class.getName() + " DIR");
            System.exit(2);
        }
        List<Path> written = write(FulcrumCommand.commandLine(), VersionProvider.version(), Path.of(args[0]));
        System.out.println(written.size() + " files written under " + args[0]);
    }

    /**
     * Writes every page and script for {@code line} under {@code dir}.
     *
     * @return the files written
     */
    public static List<Path> write(CommandLine line, String version, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        Path man1 = Files.createDirectories(dir.resolve("man1"));
        List<CommandSpec> pages = pages(line.getCommandSpec());
        List<String> names = pages.stream().map(ManPage::name).toList();
        for (CommandSpec page : pages) {
            String name = ManPage.name(page);
            List<String> others = names.stream().filter(n -> !n.equals(name)).toList();
            // fulcrum(1) points to every page; a command's page to fulcrum(1) alone.
            List<String> seeAlso = page == line.getCommandSpec() ? others : List.of(names.get(0));
            written.add(Files.writeString(man1.resolve(name + ".1"), new ManPage(page, version, seeAlso).render(),
                    StandardCharsets.UTF_8));
        }
        Path completion = Files.createDirectories(dir.resolve("completion"));
        ShellCompletion scripts = new ShellCompletion(line);
        written.add(Files.writeString(completion.resolve(line.getCommandName()), scripts.bash(), StandardCharsets.UTF_8));
        written.add(Files.writeString(completion.resolve("_" + line.getCommandName()), scripts.zsh(), StandardCharsets.UTF_8));
        return written;
    }

    /** The root command, then each of its commands but {@code help} (whose page would be this list again). */
    static List<CommandSpec> pages(CommandSpec root) {
        List<CommandSpec> pages = new ArrayList<>();
        pages.add(root);
        root.subcommands().forEach((key, sub) -> {
            CommandSpec spec = sub.getCommandSpec();
            if (key.equals(spec.name()) && !spec.usageMessage().hidden() && !(spec.userObject() instanceof CommandLine.HelpCommand)) {
                pages.add(spec);
            }
        });
        return pages;
    }
}
