package io.fulcrum.app;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's test command, {@code ./mvnw -B verify}, as a newcomer's machine runs it: no
 * {@code JAVA_HOME} (or one naming an older JDK) and an old default {@code java}. The
 * wrapper must find a JDK 25 itself, as {@code bin/fulcrum} does, and Maven must start on
 * it without printing its own {@code sun.misc.Unsafe} warnings.
 */
class BuildScriptsTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    /** {@code ""} stands for no JAVA_HOME at all; the others name no usable JDK 25. */
    @ParameterizedTest
    @ValueSource(strings = {"", "/nonexistent-jdk", "/usr/lib/jvm/java-17-openjdk-amd64"})
    void mavenWrapperRunsOnAJdk25WhateverJavaHomeSays(String javaHome) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("./mvnw", "-B", "-v")
                .directory(REPOSITORY.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.remove("JAVA_HOME");
        if (!javaHome.isEmpty()) {
            env.put("JAVA_HOME", javaHome);
        }
        // The PATH a fresh machine has: whatever java it holds, the wrapper must not need it.
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Process mvnw = builder.start();
        String output = new String(mvnw.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mvnw.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(mvnw.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("Java version: (2[5-9]|[3-9]\\d)").doesNotContain("sun.misc.Unsafe");
    }
}
