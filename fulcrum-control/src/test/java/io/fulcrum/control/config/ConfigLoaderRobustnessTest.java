package io.fulcrum.control.config;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Whatever the text, the loader returns a configuration or throws a ConfigException: nothing else. */
class ConfigLoaderRobustnessTest {

    private static final String ALPHABET = " \n\t:-[]{}#&*!|>'\"%@`,?~0123456789abcxyzPT.sm/\\\u00e9";

    @Test
    void randomlyDamagedFilesOnlyEverGiveConfigErrors() {
        Random random = new Random(20240601L);
        String base = ConfigLoaderTest.FULL;
        for (int round = 0; round < 1000; round++) {
            StringBuilder sb = new StringBuilder(base);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(sb.length());
                switch (random.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    default -> sb.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
            String yaml = sb.toString();
            Throwable t = catchThrowable(() -> ConfigLoader.parseWithWarnings(yaml, "fuzz.yaml"));
            if (t != null) {
                assertThat(t).as("input:\n%s", yaml).isInstanceOf(ConfigException.class);
                ConfigException ce = (ConfigException) t;
                assertThat(ce.getMessage()).as("input:\n%s", yaml).isNotBlank().doesNotContain("Exception");
                assertThat(ce.errors()).allSatisfy(err -> assertThat(err.message()).isNotBlank());
            }
        }
    }

    @Test
    void oddDocumentsGiveConfigErrors() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        String[] inputs = {
                deep,
                "a: " + "{b: ".repeat(2000) + "1" + "}".repeat(2000),
                "listeners: !!binary aGVsbG8=\n",
                "listeners: !custom [1]\n",
                "1: 2\n",
                "{listeners: [{name: a, bind: ':1', routes: [{name: r, pool: p}]}], pools: [{name: p, backends: [{address: 'h:1'}]}]}",
                "\u0000\u0001",
                "key: \"\\uD800\"\n",
                "listeners: *nothing\n",
                "<<: {a: 1}\n",
        };
        for (String input : inputs) {
            Throwable t = catchThrowable(() -> ConfigLoader.parseWithWarnings(input, "odd.yaml"));
            if (t != null) {
                assertThat(t).as("input %s", input.length() > 60 ? input.substring(0, 60) : input)
                        .isInstanceOf(ConfigException.class);
            }
        }
    }
}
