package io.fulcrum.core.extension;

import io.fulcrum.core.config.InvalidFieldException;

import java.util.List;

/** A greeter registered in this test class path's META-INF/services file. */
public final class HelloGreeter implements GreeterFactory<HelloGreeter.Settings> {

    /**
     * @param word   what is said; default {@code hello}
     * @param repeat how many times; default 1, at least 1
     */
    public record Settings(String word, Integer repeat) {
        public Settings {
            word = word == null ? "hello" : word;
            repeat = repeat == null ? 1 : repeat;
        }
    }

    @Override
    public String name() {
        return "hello";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public List<InvalidFieldException> validate(Settings s) {
        return s.repeat() < 1 ? List.of(new InvalidFieldException("repeat", "must be at least 1 (got " + s.repeat() + ")"))
                : List.of();
    }

    @Override
    public String greet(Settings s, String who) {
        return (s.word() + " ").repeat(s.repeat()) + who;
    }
}
