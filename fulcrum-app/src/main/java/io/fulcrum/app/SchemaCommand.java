package io.fulcrum.app;

import io.fulcrum.control.config.schema.ConfigSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code fulcrum schema}: prints the JSON Schema of the configuration file, for editors
 * and other tools (the same text as {@code docs/fulcrum.schema.json} and
 * {@code GET /api/v1/schema}).
 */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Print the JSON Schema (draft 2020-12) of the configuration file.",
                "Editors validate a file with it when its first line is",
                "  # yaml-language-server: $schema=<path or URL of the schema>"},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:always"})
public final class SchemaCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(ConfigSchema.generateText());
        out.flush();
        return ExitCodes.OK;
    }
}
