package io.fulcrum.app.imports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source configuration from {@code src/test/resources/imports} (see the README there) made ready
 * to convert and to run: {@code @WORK@} replaced by a directory, and each {@code 127.0.0.1:PORT}
 * by the port a test chose for it (a free port, or a test backend's).
 */
public final class SourceFixture {

    private static final Pattern LOOPBACK_PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d{2,5})");

    private final String text;
    private final Map<Integer, Integer> ports;

    private SourceFixture(String text, Map<Integer, Integer> ports) {
        this.text = text;
        this.ports = ports;
    }

    /** The resource {@code imports/NAME} as it is stored. */
    public static String resource(String name) {
        try (InputStream in = SourceFixture.class.getResourceAsStream("/imports/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource imports/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The resource with {@code @WORK@} as {@code work} and each loopback port replaced by
     * {@code portFor} (asked once per distinct port).
     */
    public static SourceFixture of(String name, Path work, IntUnaryOperator portFor) {
        Map<Integer, Integer> ports = new HashMap<>();
        Matcher m = LOOPBACK_PORT.matcher(resource(name).replace("@WORK@", work.toString()));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int original = Integer.parseInt(m.group(1));
            int chosen = ports.computeIfAbsent(original, portFor::applyAsInt);
            m.appendReplacement(out, "127.0.0.1:" + chosen);
        }
        m.appendTail(out);
        return new SourceFixture(out.toString(), ports);
    }

    /** The text, ready. */
    public String text() {
        return text;
    }

    /** The port that replaced {@code original}. */
    public int port(int original) {
        Integer p = ports.get(original);
        if (p == null) {
            throw new IllegalArgumentException("the file has no port " + original);
        }
        return p;
    }

    /** Writes the text to {@code dir/name} and returns the file. */
    public Path write(Path dir, String name) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
