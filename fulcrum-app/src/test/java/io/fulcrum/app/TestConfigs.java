package io.fulcrum.app;

import io.fulcrum.testsupport.ConfigYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configuration files the command tests feed to {@code fulcrum}. */
final class TestConfigs {

    private TestConfigs() {
    }

    /** One listener on 127.0.0.1:{@code port}, one route, one pool of two backends. */
    static String good(int port) {
        return ConfigYaml.webListener(port, "app") + """
                pools:
                  - name: app
                    backends:
                      - address: 127.0.0.1:9
                        weight: 1
                      - address: 127.0.0.1:10
                        weight: 2
                """;
    }

    /** {@link #good} with a misspelt field in the second backend. */
    static String unknownField(int port) {
        return good(port).replace("""
                      - address: 127.0.0.1:10
                        weight: 2
                """, """
                      - address: 127.0.0.1:10
                        wieght: 2
                """);
    }

    /** {@link #good} with a negative weight in the second backend. */
    static String badWeight(int port) {
        return good(port).replace("weight: 2", "weight: -3");
    }

    /** Writes {@code yaml} to {@code dir/name}. */
    static Path write(Path dir, String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    /** The 1-based number of the first line of {@code yaml} that contains {@code text}. */
    static int lineOf(String yaml, String text) {
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("not in the configuration: " + text);
    }
}
