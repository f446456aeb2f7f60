package io.fulcrum.control.config;

import java.util.Map;

/**
 * Where the {@code ${NAME}} references of a configuration file are looked up: the
 * environment of the process that reads the file, or (in tests) a given map.
 */
@FunctionalInterface
public interface ConfigVariables {

    /**
     * The value of a variable.
     *
     * @return the value, or {@code null} when the variable is not set
     */
    String lookup(String name);

    /** The environment of this process ({@link System#getenv(String)}). */
    static ConfigVariables processEnvironment() {
        return System::getenv;
    }

    /** Exactly these variables (a copy of the map). */
    static ConfigVariables of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return copy::get;
    }
}
