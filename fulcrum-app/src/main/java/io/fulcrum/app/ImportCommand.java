package io.fulcrum.app;

import io.fulcrum.app.imports.ConfigDraft;
import io.fulcrum.app.imports.HaproxyImporter;
import io.fulcrum.app.imports.ImportException;
import io.fulcrum.app.imports.ImportWarnings;
import io.fulcrum.app.imports.Importer;
import io.fulcrum.app.imports.NginxImporter;
import io.fulcrum.app.imports.YamlWriter;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code fulcrum import haproxy|nginx FILE [-o OUT]}: converts another proxy's configuration to a
 * Fulcrum one (docs/migrating.md).
 *
 * <p>The YAML goes to standard output or {@code OUT}; every directive not converted gets a warning
 * line on stderr with its {@code file:line}. The result is then validated as {@code fulcrum validate}
 * reads a file, and its problems, if any, are printed too.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Convert an HAProxy or NGINX configuration to Fulcrum YAML; warn about every "
                + "directive not converted.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:converted, and the result validates",
                "1:the file cannot be read or written",
                "2:the file is malformed, has nothing that accepts traffic, or the result does not validate"})
public final class ImportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing format: choose haproxy or nginx");
    }

    @Command(name = "haproxy", mixinStandardHelpOptions = true,
            description = "Convert an HAProxy configuration (haproxy.cfg).")
    int haproxy(@Parameters(paramLabel = "FILE", description = "The HAProxy configuration file.") Path file,
                @Option(names = {"-o", "--output"}, paramLabel = "OUT",
                        description = "Write the Fulcrum YAML here instead of standard output.") Path output) {
        return convert(new HaproxyImporter(), file, output);
    }

    @Command(name = "nginx", mixinStandardHelpOptions = true,
            description = "Convert an NGINX configuration (nginx.conf, or a file of server and upstream blocks).")
    int nginx(@Parameters(paramLabel = "FILE", description = "The NGINX configuration file.") Path file,
              @Option(names = {"-o", "--output"}, paramLabel = "OUT",
                      description = "Write the Fulcrum YAML here instead of standard output.") Path output,
              @Option(names = "--include-root", paramLabel = "DIR",
                      description = "Read absolute include paths under DIR (a copy of another machine's files: "
                              + "include /etc/nginx/conf.d/*.conf reads DIR/etc/nginx/conf.d/*.conf). "
                              + "Relative ones are read from FILE's directory.") Path includeRoot) {
        return convert(new NginxImporter(includeRoot), file, output);
    }

    private int convert(Importer importer, Path file, Path output) {
        PrintWriter err = spec.commandLine().getErr();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("fulcrum import: cannot read " + file + ": " + e.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
        ImportWarnings warnings = new ImportWarnings();
        ConfigDraft draft;
        try {
            draft = importer.convert(text, file.toString(), warnings);
        } catch (ImportException e) {
            warnings.lines().forEach(w -> err.println("warning: " + w));
            err.println("error: " + e.getMessage());
            err.flush();
            return ExitCodes.INVALID;
        }
        warnings.lines().forEach(w -> err.println("warning: " + w));
        String yaml = new YamlWriter().write(draft, file.getFileName() + " (" + importer.formatName() + ")");
        String outName = output == null ? "(converted " + file.getFileName() + ")" : output.toString();
        int exit = ExitCodes.OK;
        try {
            ConfigLoader.parseWithWarnings(yaml, outName);
        } catch (ConfigException e) {
            err.println("error: the converted configuration does not validate; fix these lines of it:");
            err.println(e.getMessage());
            exit = ExitCodes.INVALID;
        }
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(yaml);
            out.flush();
        } else {
            try {
                Files.writeString(output, yaml, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("fulcrum import: cannot write " + output + ": " + e.getMessage());
                err.flush();
                return ExitCodes.FAILURE;
            }
        }
        err.println(file + ": converted, " + warnings.lines().size() + " warning(s)"
                + (output == null ? "" : "; written to " + output));
        err.flush();
        return exit;
    }
}
